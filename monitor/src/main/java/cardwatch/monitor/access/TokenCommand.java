package cardwatch.monitor.access;

import java.io.PrintStream;

/**
 * {@code java -jar monitor.jar token <read|admin> <name>}: makes an API token without starting the service. It prints
 * the token once, for its holder, and the settings that configure its hash; the service never sees the token itself.
 */
public final class TokenCommand {

    private TokenCommand() {
    }

    /** Runs the command on the arguments after {@code token}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Role role = args.length == 2 ? Role.of(args[0]) : null;
        if (role == null) {
            err.println("usage: token <read|admin> <name>   (read: private data; admin: that, and changes)");
            return 2;
        }
        if (!ApiTokens.validName(args[1])) { // the service would refuse it at start
            err.println("the name: " + ApiTokens.NAME_RULE);
            return 2;
        }
        String token = ApiTokens.create();
        out.println("token (shown once: give it to its holder; Cardwatch keeps only its hash):");
        out.println("  " + token);
        out.println("settings (add to application.yml as a list entry under cardwatch.api.tokens, or as properties;"
                + " N is the next free index):");
        out.println("  cardwatch.api.tokens[N].name=" + args[1]);
        out.println("  cardwatch.api.tokens[N].role=" + role.label());
        out.println("  cardwatch.api.tokens[N].sha256=" + ApiTokens.sha256(token));
        out.println("use: curl -H 'Authorization: Bearer <token>' http://localhost:8080/api/v1/ledger");
        return 0;
    }
}
