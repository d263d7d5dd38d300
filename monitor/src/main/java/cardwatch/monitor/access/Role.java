package cardwatch.monitor.access;

import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a token may do: {@code read} sees private data; {@code admin} sees it and changes things. */
public enum Role {
    READ, ADMIN;

    /** The authorities the role grants: admin holds read's too. */
    List<GrantedAuthority> authorities() {
        return this == READ ? List.of(new SimpleGrantedAuthority("ROLE_READ"))
                : List.of(new SimpleGrantedAuthority("ROLE_READ"), new SimpleGrantedAuthority("ROLE_ADMIN"));
    }

    /** As settings and the CLI spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code label}, or null. */
    static Role of(String label) {
        for (Role role : values()) {
            if (role.label().equals(label)) {
                return role;
            }
        }
        return null;
    }
}
