package io.github.vstreamcdc.source.snapshot;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ChunkPlanner#keyChange}: the key a chunk was cut by against the table's key as a session
 * sees it now (SHOW INDEX and SHOW FULL COLUMNS answered by a pretend session).
 */
class ChunkPlannerKeyChangeTest {

    private static final TableChunk BY_ID_AND_NAME =
            new TableChunk(
                    "t",
                    3,
                    Arrays.asList("id", "name"),
                    Arrays.asList(KeyKind.INTEGER, KeyKind.TEXT_BIN),
                    null,
                    null);

    @Test
    void theSameKeyIsNoChange() throws Exception {
        Statement now =
                session(
                        index("id", "name"),
                        columns("id", "bigint", null, "name", "varchar(20)", "utf8mb4_0900_bin"));
        assertThat(ChunkPlanner.keyChange(now, BY_ID_AND_NAME)).isNull();
    }

    @Test
    void anotherColumnListIsNamed() throws Exception {
        Statement now =
                session(
                        index("id"),
                        columns("id", "bigint", null, "name", "varchar(20)", "utf8mb4_0900_bin"));
        assertThat(ChunkPlanner.keyChange(now, BY_ID_AND_NAME))
                .isEqualTo("from (id, name) to (id)");
    }

    @Test
    void noKeyIsNamed() throws Exception {
        Statement now =
                session(
                        index(),
                        columns("id", "bigint", null, "name", "varchar(20)", "utf8mb4_0900_bin"));
        assertThat(ChunkPlanner.keyChange(now, BY_ID_AND_NAME))
                .isEqualTo("from (id, name) to no primary key");
    }

    /** Another collation orders the chunks' bounds another way, though the columns are the same. */
    @Test
    void anotherOrderOfAKeyColumnIsNamed() throws Exception {
        Statement now =
                session(
                        index("id", "name"),
                        columns("id", "bigint", null, "name", "varchar(20)", "utf8mb4_0900_ai_ci"));
        assertThat(ChunkPlanner.keyChange(now, BY_ID_AND_NAME))
                .isEqualTo("its column name from TEXT_BIN to varchar(20) utf8mb4_0900_ai_ci");
    }

    private static List<Map<String, Object>> index(String... keyColumns) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < keyColumns.length; i++) {
            Map<String, Object> row = new HashMap<>();
            row.put("Key_name", "PRIMARY");
            row.put("Seq_in_index", i + 1);
            row.put("Column_name", keyColumns[i]);
            rows.add(row);
        }
        // Another index's columns are not the key.
        Map<String, Object> other = new HashMap<>();
        other.put("Key_name", "by_name");
        other.put("Seq_in_index", 1);
        other.put("Column_name", "name");
        rows.add(other);
        return rows;
    }

    /** Columns as (name, type, collation) triples. */
    private static List<Map<String, Object>> columns(String... triples) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            Map<String, Object> row = new HashMap<>();
            row.put("Field", triples[i]);
            row.put("Type", triples[i + 1]);
            row.put("Collation", triples[i + 2]);
            rows.add(row);
        }
        return rows;
    }

    private static Statement session(
            List<Map<String, Object>> index, List<Map<String, Object>> columns) {
        return (Statement)
                Proxy.newProxyInstance(
                        Statement.class.getClassLoader(),
                        new Class<?>[] {Statement.class},
                        (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "executeQuery":
                                    String sql = (String) args[0];
                                    assertThat(sql).endsWith("FROM `t`");
                                    return resultSet(
                                            sql.startsWith("SHOW INDEX")
                                                    ? index
                                                    : sql.startsWith("SHOW FULL COLUMNS")
                                                            ? columns
                                                            : Collections.emptyList());
                                case "close":
                                    return null;
                                default:
                                    throw new UnsupportedOperationException(method.getName());
                            }
                        });
    }

    private static ResultSet resultSet(List<Map<String, Object>> rows) {
        Iterator<Map<String, Object>> next = rows.iterator();
        Object[] current = {null};
        return (ResultSet)
                Proxy.newProxyInstance(
                        ResultSet.class.getClassLoader(),
                        new Class<?>[] {ResultSet.class},
                        (proxy, method, args) -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> row = (Map<String, Object>) current[0];
                            switch (method.getName()) {
                                case "next":
                                    current[0] = next.hasNext() ? next.next() : null;
                                    return current[0] != null;
                                case "getString":
                                    Object value = row.get((String) args[0]);
                                    return value == null ? null : String.valueOf(value);
                                case "getInt":
                                    return (Integer) row.get((String) args[0]);
                                case "close":
                                    return null;
                                default:
                                    throw new UnsupportedOperationException(method.getName());
                            }
                        });
    }
}
