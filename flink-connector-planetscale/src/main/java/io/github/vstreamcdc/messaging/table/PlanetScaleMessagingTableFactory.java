package io.github.vstreamcdc.messaging.table;

import io.github.vstreamcdc.messaging.AckMode;
import io.github.vstreamcdc.messaging.MessageSourceConfig;
import io.github.vstreamcdc.messaging.MessageSourceOptions;
import io.github.vstreamcdc.messaging.MessageTableCheck;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Creates {@code planetscale-messaging} tables, append-only tables of a Vitess message table's
 * messages:
 *
 * <pre>{@code
 * CREATE TABLE events (
 *   id BIGINT,
 *   payload STRING,
 *   shard STRING METADATA VIRTUAL,
 *   epoch BIGINT METADATA VIRTUAL
 * ) WITH (
 *   'connector' = 'planetscale-messaging',
 *   'hostname' = 'localhost',
 *   'keyspace' = 'app',
 *   'table-name' = 'events_queue'
 * );
 * }</pre>
 */
@Internal
public final class PlanetScaleMessagingTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "planetscale-messaging";

    /** How planning reaches VTGate: a fake in tests. */
    private final Function<VitessConnectionOptions, MessageTableCheck.Lookup> lookups;

    public PlanetScaleMessagingTableFactory() {
        this(connection -> MessageTableCheck.vtgate(new VtgateSqlClient(connection)));
    }

    PlanetScaleMessagingTableFactory(
            Function<VitessConnectionOptions, MessageTableCheck.Lookup> lookups) {
        this.lookups = lookups;
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return PlanetScaleSourceOptions.declaredToFlink(MessageSourceOptions.REQUIRED);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return PlanetScaleSourceOptions.declaredToFlink(MessageSourceOptions.OPTIONAL);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        String table = context.getObjectIdentifier().asSummaryString();
        MessageSourceConfig config;
        try {
            config = MessageSourceConfig.from(helper.getOptions());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(where(table) + e.getMessage());
        }
        helper.validate();
        if (config.ackMode() == AckMode.CHECKPOINT) {
            Duration interval =
                    context.getConfiguration()
                            .getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                            .orElse(null);
            if (interval == null || interval.isZero() || interval.isNegative()) {
                throw new ValidationException(
                        where(table)
                                + "checkpointing is off, and with '"
                                + MessageSourceOptions.ACK_MODE.key()
                                + "' = 'checkpoint' (the default) messages are acknowledged"
                                + " only when a checkpoint completes. Set '"
                                + CheckpointingOptions.CHECKPOINTING_INTERVAL.key()
                                + "', or '"
                                + MessageSourceOptions.ACK_MODE.key()
                                + "' = 'on-emit' to acknowledge messages as they are read"
                                + " (no delivery guarantee: a failure may lose or repeat"
                                + " messages).");
            }
        }
        DataType physical = context.getPhysicalRowDataType();
        checkColumns(
                table,
                config,
                (RowType) physical.getLogicalType(),
                lookups.apply(config.connection()));
        return new PlanetScaleMessagingTableSource(physical, config);
    }

    /** The table must be a message table, and every declared column one of its columns. */
    private static void checkColumns(
            String table,
            MessageSourceConfig config,
            RowType declared,
            MessageTableCheck.Lookup lookup) {
        List<MySqlColumn> columns;
        try {
            columns = MessageTableCheck.check(lookup, config.keyspace(), config.table());
        } catch (VitessException | IllegalArgumentException e) {
            throw new ValidationException(where(table) + e.getMessage(), e);
        }
        Set<String> existing = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (MySqlColumn column : columns) {
            existing.add(column.name());
        }
        List<String> missing = new ArrayList<>();
        for (String name : declared.getFieldNames()) {
            if (!existing.contains(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ValidationException(
                    where(table)
                            + "columns "
                            + missing
                            + " are not columns of '"
                            + config.keyspace()
                            + "."
                            + config.table()
                            + "' (it has "
                            + existing
                            + "); declare the streamed columns, and metadata with METADATA");
        }
    }

    private static String where(String table) {
        return "Table '" + table + "' (connector '" + IDENTIFIER + "'): ";
    }
}
