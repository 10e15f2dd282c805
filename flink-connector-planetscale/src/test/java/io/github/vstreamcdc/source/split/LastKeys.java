package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import com.google.protobuf.ByteString;

/** Copy cursors for tests: a table's last copied primary key, as VStream sends it. */
public final class LastKeys {

    private LastKeys() {}

    /** The cursor of a table whose key is one BIGINT column {@code id}. */
    public static Binlogdata.TableLastPK of(String table, long id) {
        String value = Long.toString(id);
        return Binlogdata.TableLastPK.newBuilder()
                .setTableName(table)
                .setLastpk(
                        Query.QueryResult.newBuilder()
                                .addFields(
                                        Query.Field.newBuilder()
                                                .setName("id")
                                                .setType(Query.Type.INT64))
                                .addRows(
                                        Query.Row.newBuilder()
                                                .addLengths(value.length())
                                                .setValues(ByteString.copyFromUtf8(value))))
                .build();
    }
}
