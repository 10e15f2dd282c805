package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.ConnectionSecurity;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.github.vstreamcdc.table.PlanetScaleDynamicTableFactoryTest.assertFails;
import static io.github.vstreamcdc.table.PlanetScaleDynamicTableFactoryTest.create;
import static io.github.vstreamcdc.table.PlanetScaleDynamicTableFactoryTest.required;
import static org.assertj.core.api.Assertions.assertThat;

/** The TLS, auth and keepalive options of the SQL connector, and PlanetScale's defaults. */
class PlanetScaleSecurityOptionsTest {

    private static VitessConnectionOptions connection(Map<String, String> options) {
        return create(options).config().connection();
    }

    @Test
    void selfHostedDefaultsArePlaintextWithoutAuth() {
        VitessConnectionOptions c = connection(required());
        assertThat(c.grpcPort()).isEqualTo(15991);
        assertThat(c.mysqlPort()).isEqualTo(15306);
        assertThat(c.security()).isEqualTo(ConnectionSecurity.plaintext());
        assertThat(c.cells()).isNull();
        assertThat(c.keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void selfHostedWithUsernameUsesVitessStaticAuthOnlyOverTls() {
        Map<String, String> options = required();
        options.put("username", "u");
        options.put("password", "p");
        assertThat(connection(options).security().authMethod()).isEqualTo(AuthMethod.NONE);
        options.put("tls.enabled", "true");
        assertThat(connection(options).security().authMethod()).isEqualTo(AuthMethod.VITESS_STATIC);
    }

    @Test
    void planetScaleHostNeedsOnlyCredentials() {
        Map<String, String> options = required();
        options.put("hostname", "aws.connect.psdb.cloud");
        options.put("username", "u");
        options.put("password", "pscale_pw_x");
        VitessConnectionOptions c = connection(options);
        assertThat(c.grpcPort()).isEqualTo(443);
        assertThat(c.mysqlPort()).isEqualTo(3306);
        assertThat(c.security().tls()).isTrue();
        assertThat(c.security().caCertPath()).isNull();
        assertThat(c.security().authMethod()).isEqualTo(AuthMethod.BASIC);
        assertThat(c.cells()).isEqualTo("planetscale_operator_default");
    }

    @Test
    void planetScaleDefaultsCanBeOverridden() {
        Map<String, String> options = required();
        options.put("hostname", "AWS.Connect.PSDB.cloud");
        options.put("username", "u");
        options.put("port", "8443");
        options.put("mysql.port", "13306");
        options.put("tls.enabled", "false");
        options.put("auth.method", "vitess-static");
        options.put("cells", "zone1");
        options.put("grpc.keepalive-interval", "0 s");
        VitessConnectionOptions c = connection(options);
        assertThat(c.grpcPort()).isEqualTo(8443);
        assertThat(c.mysqlPort()).isEqualTo(13306);
        assertThat(c.security().tls()).isFalse();
        assertThat(c.security().authMethod()).isEqualTo(AuthMethod.VITESS_STATIC);
        assertThat(c.cells()).isEqualTo("zone1");
        assertThat(c.keepAliveInterval()).isZero();
    }

    @Test
    void tlsFilesImplyTls() {
        Map<String, String> options = required();
        options.put("tls.ca-cert", "/etc/ca.pem");
        options.put("tls.client-cert", "/etc/client.pem");
        options.put("tls.client-key", "/etc/client.key");
        options.put("auth.method", "none");
        options.put("username", "u");
        ConnectionSecurity s = connection(options).security();
        assertThat(s)
                .isEqualTo(
                        new ConnectionSecurity(
                                true,
                                "/etc/ca.pem",
                                "/etc/client.pem",
                                "/etc/client.key",
                                AuthMethod.NONE));
    }

    @Test
    void badSecurityOptions() {
        Map<String, String> options = required();
        options.put("auth.method", "kerberos");
        assertFails(options, "auth.method", "kerberos", "none, basic, vitess-static");

        options = required();
        options.put("auth.method", "basic");
        assertFails(options, "'auth.method' is 'basic' but 'username' is not set");

        options = required();
        options.put("tls.client-cert", "/etc/client.pem");
        assertFails(options, "'tls.client-cert' and 'tls.client-key' must be set together");

        options = required();
        options.put("tls.enabled", "false");
        options.put("tls.ca-cert", "/etc/ca.pem");
        assertFails(options, "'tls.enabled' is false, but 'tls.ca-cert'");

        options = required();
        options.put("grpc.keepalive-interval", "2 s");
        assertFails(options, "'grpc.keepalive-interval'", "at least 10 s");
    }
}
