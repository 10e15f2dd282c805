package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.flink.annotation.Internal;

import java.util.concurrent.TimeUnit;

/**
 * Checks that both VTGate endpoints answer, with the configured credentials and TLS: its gRPC port
 * (which serves VStream) with an {@code Execute} of {@code select 1}, and its MySQL port with a
 * login and {@code SELECT 1}. Meant for the moment a user connects (opening a catalog, planning a
 * query), so that a wrong host, port, password or certificate fails at once with a message that
 * names the endpoint, instead of a job that keeps reconnecting.
 */
@Internal
public final class VtgateConnectionCheck {

    static final String PROBE = "select 1";

    private VtgateConnectionCheck() {}

    /**
     * Checks the gRPC endpoint, then the MySQL endpoint.
     *
     * @throws VitessException naming the endpoint and what to check
     */
    public static void check(VitessConnectionOptions options) {
        checkGrpc(options);
        new VtgateSqlClient(options).ping();
    }

    /**
     * Calls VTGate's {@code Execute} with {@code select 1}, waiting at most the connect timeout.
     *
     * @throws VitessException naming the endpoint and what to check
     */
    public static void checkGrpc(VitessConnectionOptions options) {
        ManagedChannel channel = VStreamChannels.open(options);
        try {
            VitessGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(
                            Vtgate.ExecuteRequest.newBuilder()
                                    .setSession(Vtgate.Session.newBuilder().setAutocommit(true))
                                    .setQuery(Query.BoundQuery.newBuilder().setSql(PROBE))
                                    .build());
        } catch (StatusRuntimeException e) {
            String problem = problem(e.getStatus(), options);
            if (problem != null) {
                throw new VitessException(problem, e);
            }
        } finally {
            VStreamChannels.close(channel);
        }
    }

    /**
     * What a failed probe says about the endpoint; null when a gRPC server answered and took the
     * credentials (an edge may refuse the method itself, which is no connection problem).
     */
    static String problem(Status status, VitessConnectionOptions options) {
        String target = options.grpcTarget();
        String endpoint = "VTGate gRPC endpoint " + target;
        String connection = VStreamErrors.describeConnectionFailure(status, target);
        if (connection != null) {
            return endpoint + ": " + connection;
        }
        String details = VStreamErrors.details(status);
        switch (status.getCode()) {
            case UNAVAILABLE:
                return endpoint
                        + " is unreachable (is the host and 'port' right, is VTGate running?): "
                        + details;
            case DEADLINE_EXCEEDED:
                return endpoint
                        + " did not answer within "
                        + options.connectTimeout().toMillis()
                        + " ms ('connect.timeout'; is the host and 'port' right, is VTGate"
                        + " running?): "
                        + details;
            case INTERNAL:
            case UNKNOWN:
                return notGrpc(endpoint, status, details);
            default:
                // an HTTP server that is not gRPC answers with its status code, which gRPC maps
                return details.startsWith("HTTP status code")
                        ? notGrpc(endpoint, status, details)
                        : null;
        }
    }

    private static String notGrpc(String endpoint, Status status, String details) {
        return endpoint
                + " does not answer as VTGate's gRPC service ("
                + status.getCode()
                + ": "
                + VitessException.firstLine(details)
                + "): check that 'port' is VTGate's gRPC port (not its MySQL or HTTP port)";
    }
}
