package cardwatch.probes.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a platform's bytes into text. The charset the answer declares wins; without one, bytes that are valid UTF-8
 * are UTF-8 and anything else is GB18030, the superset of GBK and GB2312 that Chinese sites send without saying so.
 */
public final class TextDecoding {

    /** GB18030 reads every GBK and GB2312 byte sequence as they do, and more. */
    public static final Charset CHINESE = Charset.forName("GB18030");

    private TextDecoding() {
    }

    /**
     * @param declared  the charset the answer declares, or null
     * @param expected  the charset the protocol uses when none is declared (GBK for SUP), or UTF-8 when the protocol
     *                  does not say
     */
    public static String decode(byte[] body, Charset declared, Charset expected) {
        if (declared != null) {
            return new String(body, declared);
        }
        if (!StandardCharsets.UTF_8.equals(expected)) {
            return new String(body, expected);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return new String(body, CHINESE);
        }
    }
}
