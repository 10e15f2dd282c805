package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import java.util.regex.Pattern;

/**
 * Names of the tables Vitess creates for its own operations in a keyspace: table lifecycle (tables
 * renamed before they are dropped), Online DDL shadow tables and VReplication's artifacts. They
 * hold no application data of their own and come and go while Vitess works, so the connector never
 * offers them as tables.
 */
@Internal
public final class VitessInternalTables {

    /**
     * Online DDL shadow tables of gh-ost, pt-online-schema-change and VReplication before Vitess
     * v16: {@code _<uuid with underscores>_<yyyyMMddHHmmss>_vrepl}.
     */
    private static final Pattern LEGACY_ONLINE_DDL =
            Pattern.compile(
                    "_[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}_[0-9]{14}"
                            + "_(gho|ghc|del|new|vrepl)",
                    Pattern.CASE_INSENSITIVE);

    private VitessInternalTables() {}

    /**
     * Whether the table is one of Vitess' own: every name that starts with {@code _vt_} (lifecycle
     * tables {@code _vt_HOLD_...}, {@code _vt_hld_...}, shadow tables {@code _vt_vrp_...} and the
     * like) and the legacy Online DDL shadow tables.
     */
    public static boolean isInternal(String table) {
        return table.regionMatches(true, 0, "_vt_", 0, 4)
                || LEGACY_ONLINE_DDL.matcher(table).matches();
    }
}
