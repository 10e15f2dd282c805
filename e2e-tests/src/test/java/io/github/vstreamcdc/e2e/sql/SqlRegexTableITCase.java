package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A regular-expression {@code table-name} reads several tables of one schema into one Flink table;
 * the {@code table_name} metadata column tells them apart, and a table whose whole name does not
 * match is not read.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlRegexTableITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String COLUMNS = "id BIGINT NOT NULL, v VARCHAR(32), PRIMARY KEY (id)";

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    @Test
    void readsEveryMatchingTable(VitessCluster cluster) throws Exception {
        for (String table : new String[] {"sql_orders_a", "sql_orders_b", "sql_orders"}) {
            SqlTestSupport.createVitessTable(cluster, table, COLUMNS);
        }
        SqlTestSupport.execute(
                cluster,
                "INSERT INTO sql_orders_a (id, v) VALUES (1, 'a1'), (2, 'a2'), (3, 'a3')",
                "INSERT INTO sql_orders_b (id, v) VALUES (1, 'b1'), (4, 'b4')",
                "INSERT INTO sql_orders (id, v) VALUES (1, 'not me'), (5, 'not me')");

        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "all_orders",
                        "id BIGINT, v STRING,"
                                + " tbl STRING METADATA FROM 'table_name' VIRTUAL,"
                                + " shard STRING METADATA FROM 'shard' VIRTUAL",
                        SqlTestSupport.options(cluster, "sql_orders_[ab]")));
        try (CollectedRows out =
                CollectedRows.of(tEnv.executeSql("SELECT tbl, id, v, shard FROM all_orders"))) {
            List<Row> snapshot = out.await(rows -> rows.size() >= 5, TIMEOUT, "5 snapshot rows");
            assertThat(keys(snapshot))
                    .containsExactlyInAnyOrder(
                            "+I sql_orders_a 1 a1",
                            "+I sql_orders_a 2 a2",
                            "+I sql_orders_a 3 a3",
                            "+I sql_orders_b 1 b1",
                            "+I sql_orders_b 4 b4");

            SqlTestSupport.execute(
                    cluster,
                    "INSERT INTO sql_orders (id, v) VALUES (6, 'not me')",
                    "UPDATE sql_orders SET v = 'still not me' WHERE id = 1",
                    "UPDATE sql_orders_b SET v = 'b1!' WHERE id = 1",
                    "DELETE FROM sql_orders_a WHERE id = 2",
                    "INSERT INTO sql_orders_a (id, v) VALUES (7, 'a7')");
            List<Row> all = out.await(rows -> rows.size() >= 9, TIMEOUT, "4 change rows");
            assertThat(keys(all.subList(5, all.size())))
                    .containsExactlyInAnyOrder(
                            "-U sql_orders_b 1 b1",
                            "+U sql_orders_b 1 b1!",
                            "-D sql_orders_a 2 a2",
                            "+I sql_orders_a 7 a7");
            // Rows of one id in two tables come from that id's shard.
            Map<String, String> shardOfId = new HashMap<>();
            for (Row row : all) {
                String previous =
                        shardOfId.put(
                                String.valueOf(row.getField("id")), (String) row.getField("shard"));
                assertThat(previous == null || previous.equals(row.getField("shard"))).isTrue();
            }

            // Nothing of sql_orders, even after more changes of the matching tables.
            SqlTestSupport.execute(cluster, "INSERT INTO sql_orders_b (id, v) VALUES (8, 'b8')");
            all = out.await(rows -> rows.size() >= 10, TIMEOUT, "the last insert");
            assertThat(all).hasSize(10);
            assertThat(all).extracting(r -> r.getField("tbl")).doesNotContain("sql_orders");
        }
    }

    private static List<String> keys(List<Row> rows) {
        return rows.stream()
                .map(
                        r ->
                                r.getKind().shortString()
                                        + " "
                                        + r.getField("tbl")
                                        + " "
                                        + r.getField("id")
                                        + " "
                                        + r.getField("v"))
                .collect(Collectors.toList());
    }
}
