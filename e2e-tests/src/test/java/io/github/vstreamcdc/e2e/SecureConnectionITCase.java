package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.github.vstreamcdc.e2e.SourceTestSupport.ROW_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The source over TLS and with credentials, against real endpoints ({@code secure.sh}): through
 * nginx as the PlanetScale edge's stand-in (TLS + HTTP Basic auth), and straight to a VTGate with
 * its own gRPC TLS, client certificates and Vitess static auth. A refused password, an untrusted
 * certificate and an unknown host fail at once, without the reconnect loop, and say which.
 */
@ExtendWith(SecureEndpointsExtension.class)
class SecureConnectionITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(false);

    /** What the reader logs before each reconnect. */
    private static final String RECONNECT_LOG = "reconnect 1 of";

    /** Through nginx, the PlanetScale edge's stand-in: TLS with the test CA, HTTP Basic auth. */
    static PlanetScaleSourceBuilder<RowData> viaEdge(SecureEndpoints secure, String table) {
        return PlanetScaleSource.<RowData>builder()
                .hostname(secure.host())
                .port(secure.edgePort())
                .mysqlPort(secure.vtgateMysqlPort())
                .tlsCaCertificate(secure.caCert())
                .authMethod(AuthMethod.BASIC)
                .username(secure.user())
                .password(secure.password())
                .keyspace(secure.keyspace())
                .tableName(table)
                .deserializer(
                        new RowDataDeserializationSchema(ROW_TYPE, InternalTypeInfo.of(ROW_TYPE)));
    }

    private static PlanetScaleSourceBuilder<RowData> direct(SecureEndpoints secure, String table) {
        // a username and no psdb.cloud host: Vitess static auth by default
        return PlanetScaleSource.<RowData>builder()
                .hostname(secure.host())
                .port(secure.vtgateGrpcPort())
                .mysqlPort(secure.vtgateMysqlPort())
                .tls(true)
                .tlsCaCertificate(secure.caCert())
                .tlsClientCertificate(secure.clientCert(), secure.clientKey())
                .username(secure.user())
                .password(secure.password())
                .keyspace(secure.keyspace())
                .tableName(table)
                .deserializer(
                        new RowDataDeserializationSchema(ROW_TYPE, InternalTypeInfo.of(ROW_TYPE)));
    }

    /** Snapshot rows 1-3, then streams rows 4-5 inserted while the job runs. */
    static Map<Long, String> snapshotThenStream(
            SecureEndpoints secure, String table, PlanetScaleSource<RowData> source)
            throws Exception {
        secure.deleteAll(table);
        secure.insert(table, 1, 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Map<Long, String> rows = new TreeMap<>();
        try (CloseableIterator<RowData> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "planetscale")
                        .executeAndCollect("secure-" + table)) {
            while (rows.size() < 3) {
                SourceTestSupport.apply(rows, it.next());
            }
            secure.insert(table, 4, 5);
            while (rows.size() < 5) {
                SourceTestSupport.apply(rows, it.next());
            }
        }
        return rows;
    }

    private static Map<Long, String> expected(long to) {
        Map<Long, String> rows = new TreeMap<>();
        for (long id = 1; id <= to; id++) {
            rows.put(id, "v" + id);
        }
        return rows;
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void streamsThroughTheEdgeStandInWithBasicAuth(SecureEndpoints secure) throws Exception {
        assertThat(snapshotThenStream(secure, "tls_nginx", viaEdge(secure, "tls_nginx").build()))
                .isEqualTo(expected(5));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void streamsFromVtgateWithItsOwnTlsClientCertificateAndStaticAuth(SecureEndpoints secure)
            throws Exception {
        assertThat(snapshotThenStream(secure, "tls_direct", direct(secure, "tls_direct").build()))
                .isEqualTo(expected(5));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void wrongPasswordAtTheEdgeFailsAtOnceNamingTheUser(SecureEndpoints secure) throws Exception {
        try (CapturedLogs logs = new CapturedLogs()) {
            String message =
                    failureOf(viaEdge(secure, "tls_nginx").password("not-the-password").build());
            assertThat(message)
                    .contains(
                            "VTGate at "
                                    + secure.host()
                                    + ":"
                                    + secure.edgePort()
                                    + " refused the credentials of user '"
                                    + secure.user()
                                    + "' (auth.method basic)")
                    .contains("UNAUTHENTICATED")
                    .contains("check 'username' and 'password'");
            assertThat(logs.text()).doesNotContain(RECONNECT_LOG);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void wrongPasswordAtVtgateStaticAuthFailsAtOnce(SecureEndpoints secure) throws Exception {
        try (CapturedLogs logs = new CapturedLogs()) {
            String message =
                    failureOf(direct(secure, "tls_direct").password("not-the-password").build());
            assertThat(message)
                    .contains(
                            "refused the credentials of user '"
                                    + secure.user()
                                    + "' (auth.method vitess-static)")
                    .contains("PERMISSION_DENIED");
            assertThat(logs.text()).doesNotContain(RECONNECT_LOG);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void untrustedCertificateFailsAtOnceSayingSo(SecureEndpoints secure) throws Exception {
        try (CapturedLogs logs = new CapturedLogs()) {
            String message =
                    failureOf(
                            viaEdge(secure, "tls_nginx")
                                    .tlsCaCertificate(secure.otherCaCert())
                                    .build());
            // discovery (MySQL port) or the stream (gRPC port): whichever connects first
            assertThat(message)
                    .contains("TLS handshake with " + secure.host() + ":")
                    .contains("the server certificate is not trusted")
                    .contains("'tls.ca-cert'");
            assertThat(logs.text()).doesNotContain(RECONNECT_LOG);
        }
        // the gRPC side on its own
        assertThatThrownBy(
                        () ->
                                currentPosition(
                                        viaEdge(secure, "x")
                                                .tlsCaCertificate(secure.otherCaCert())))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining(
                        "TLS handshake with "
                                + secure.host()
                                + ":"
                                + secure.edgePort()
                                + " failed: the server certificate is not trusted")
                .hasMessageContaining("'tls.ca-cert'");
    }

    @Test
    void missingClientCertificateIsNamed(SecureEndpoints secure) {
        assertThatThrownBy(
                        () -> currentPosition(direct(secure, "x").tlsClientCertificate(null, null)))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining(
                        "TLS handshake with " + secure.host() + ":" + secure.vtgateGrpcPort())
                .hasMessageContaining("'tls.client-cert'");
    }

    @Test
    void unknownHostFailsNamingIt(SecureEndpoints secure) {
        assertThatThrownBy(
                        () ->
                                currentPosition(
                                        viaEdge(secure, "x").hostname("no-such-host.invalid")))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("no-such-host.invalid")
                .hasMessageContaining("cannot be resolved");
    }

    @Test
    void tlsAgainstAPlaintextVtgateSaysSo(SecureEndpoints secure) {
        VitessCluster plain = VitessCluster.get();
        assertThatThrownBy(
                        () ->
                                currentPosition(
                                        viaEdge(secure, "x")
                                                .hostname(plain.host())
                                                .port(plain.grpcPort())))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining(
                        "TLS handshake with "
                                + plain.host()
                                + ":"
                                + plain.grpcPort()
                                + " failed: the server does not speak TLS on this port")
                .hasMessageContaining("'tls.enabled' = false");
    }

    private static String currentPosition(PlanetScaleSourceBuilder<RowData> builder) {
        try (CurrentPositionResolver resolver =
                new CurrentPositionResolver(builder.buildConnectionOptions())) {
            return resolver.currentPosition("secure", "0");
        }
    }

    /** Runs the source until the job fails; the connector's message in the failure. */
    static String failureOf(PlanetScaleSource<RowData> source) throws Exception {
        return SourceTestSupport.connectorMessage(
                SourceTestSupport.failureOf(source, "secure-failure", Duration.ofMinutes(2)));
    }
}
