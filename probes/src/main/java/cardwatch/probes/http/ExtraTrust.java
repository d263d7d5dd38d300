package cardwatch.probes.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Trust for certificates the JVM does not know, added explicitly: the JVM's own trust plus the certificates of one
 * PKCS12 store (a simulated platform's, an internal CA). Every check still runs: hostname, dates, chains.
 */
public final class ExtraTrust {

    private ExtraTrust() {
    }

    /** An OkHttp builder that trusts the JVM's CAs and the certificates in {@code store}. */
    public static OkHttpClient.Builder builder(Path store, String password) {
        try {
            KeyStore extra = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                extra.load(in, password.toCharArray());
            }
            X509TrustManager jvm = manager(null);
            X509TrustManager added = manager(extra);
            X509TrustManager both = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    jvm.checkClientTrusted(chain, authType);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    try {
                        jvm.checkServerTrusted(chain, authType);
                    } catch (CertificateException e) {
                        added.checkServerTrusted(chain, authType);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    List<X509Certificate> all = new ArrayList<>(List.of(jvm.getAcceptedIssuers()));
                    all.addAll(List.of(added.getAcceptedIssuers()));
                    return all.toArray(new X509Certificate[0]);
                }
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {both}, null);
            return new OkHttpClient.Builder().sslSocketFactory(context.getSocketFactory(), both);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the trust store " + store + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager manager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }
}
