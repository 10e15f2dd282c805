package io.github.vstreamcdc.source;

import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder's TLS / auth settings and the defaults a PlanetScale host implies. */
class PlanetScaleSourceBuilderSecurityTest {

    private static final String PASSWORD = "pscale_pw_s3cret-value";

    private static PlanetScaleSourceBuilder<String> builder(String host) {
        return PlanetScaleSource.<String>builder()
                .hostname(host)
                .keyspace("ks")
                .tableName("t")
                .deserializer(new JsonDeserializationSchema());
    }

    @Test
    void planetScaleHostDefaults() {
        VitessConnectionOptions c =
                builder("us-east.connect.psdb.cloud")
                        .username("u")
                        .password(PASSWORD)
                        .buildConnectionOptions();
        assertThat(c.grpcTarget()).isEqualTo("us-east.connect.psdb.cloud:443");
        assertThat(c.mysqlPort()).isEqualTo(3306);
        assertThat(c.security().tls()).isTrue();
        assertThat(c.security().authMethod()).isEqualTo(AuthMethod.BASIC);
        assertThat(c.cells()).isEqualTo("planetscale_operator_default");
    }

    @Test
    void explicitSettingsWinOverPlanetScaleDefaults() {
        VitessConnectionOptions c =
                builder("psdb.cloud")
                        .port(1234)
                        .mysqlPort(4321)
                        .tls(false)
                        .authMethod(AuthMethod.NONE)
                        .cells("c1")
                        .keepAliveInterval(Duration.ofMinutes(2))
                        .buildConnectionOptions();
        assertThat(c.grpcPort()).isEqualTo(1234);
        assertThat(c.mysqlPort()).isEqualTo(4321);
        assertThat(c.security().tls()).isFalse();
        assertThat(c.security().authMethod()).isEqualTo(AuthMethod.NONE);
        assertThat(c.cells()).isEqualTo("c1");
        assertThat(c.keepAliveInterval()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void otherHostsAreNotPlanetScale() {
        VitessConnectionOptions c =
                builder("psdb.cloud.example.com").username("u").buildConnectionOptions();
        assertThat(c.grpcPort()).isEqualTo(PlanetScaleSourceOptions.PORT.defaultValue());
        assertThat(c.security().tls()).isFalse();
        // No password in plaintext gRPC headers unless asked for.
        assertThat(c.security().authMethod()).isEqualTo(AuthMethod.NONE);
        assertThat(c.cells()).isNull();
        assertThat(
                        builder("psdb.cloud.example.com")
                                .username("u")
                                .tls(true)
                                .buildConnectionOptions()
                                .security()
                                .authMethod())
                .isEqualTo(AuthMethod.VITESS_STATIC);
    }

    @Test
    void clientCertificateNeedsItsKey() {
        assertThatThrownBy(
                        () ->
                                builder("h")
                                        .tlsClientCertificate("/c.pem", null)
                                        .buildConnectionOptions())
                .hasMessageContaining("'tls.client-cert' and 'tls.client-key'");
    }

    @Test
    void passwordIsNotInToStringOfTheSourceOrItsConfig() throws Exception {
        PlanetScaleSource<String> source =
                builder("aws.connect.psdb.cloud").username("u").password(PASSWORD).build();
        assertThat(source.toString()).doesNotContain(PASSWORD);
        VitessConnectionOptions c =
                builder("aws.connect.psdb.cloud")
                        .username("u")
                        .password(PASSWORD)
                        .buildConnectionOptions();
        assertThat(c.toString()).doesNotContain(PASSWORD).contains("******");
        // the source survives Java serialization (it travels in the job graph)
        assertThat(InstantiationUtil.clone(source)).isNotNull();
    }
}
