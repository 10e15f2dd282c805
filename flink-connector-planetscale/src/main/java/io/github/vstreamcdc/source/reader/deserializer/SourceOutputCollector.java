package io.github.vstreamcdc.source.reader.deserializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Collector;

/**
 * A collector that hands each record to Flink's source output before {@code collect} returns and
 * keeps no reference to it. A deserializer may then write its next record into the same object, as
 * Flink's own columnar file readers do: without object reuse (Flink's default) Flink copies each
 * record into the next chained operator or serializes it; with object reuse Flink's rule for that
 * mode applies (a function does not keep the records it is given).
 */
@Internal
public interface SourceOutputCollector<T> extends Collector<T> {

    /** Whether the records reach the source output as above (a wrapper asks the one it wraps). */
    boolean reachesSourceOutput();

    /** Whether {@code out} is a collector whose records may be reused (see the class comment). */
    static boolean reusesRecords(Collector<?> out) {
        return out instanceof SourceOutputCollector
                && ((SourceOutputCollector<?>) out).reachesSourceOutput();
    }
}
