package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.vitess.proto.Topodata;

import org.apache.flink.annotation.PublicEvolving;

/** The type of tablet VTGate streams from. */
@PublicEvolving
public enum TabletType {
    /** The shard's primary: the freshest changes; the default. */
    PRIMARY,
    /** A replica: keeps the streaming load off the primary, a little behind it. */
    REPLICA,
    /** A read-only replica (batch and analytics tablets). */
    RDONLY;

    Topodata.TabletType toProto() {
        return Topodata.TabletType.valueOf(name());
    }
}
