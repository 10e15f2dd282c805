package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The VStream rules of a split: one per table it reads. */
class VStreamRequestsTest {

    static PlanetScaleSourceConfig config(String option, String value) {
        Configuration options = new Configuration();
        options.set(PlanetScaleSourceOptions.HOSTNAME, "localhost");
        options.set(PlanetScaleSourceOptions.KEYSPACE, "ks");
        options.setString(option, value);
        return PlanetScaleSourceConfig.from(options);
    }

    /** The tables the framer's next stream asks for, by the rules of its request. */
    static List<String> tablesOf(ShardEventFramer framer) {
        Binlogdata.Filter filter =
                VStreamRequests.filter(config("tables", "ks\\..*"), framer.tables());
        List<String> matches = new ArrayList<>();
        for (Binlogdata.Rule rule : filter.getRulesList()) {
            matches.add(rule.getMatch());
        }
        return matches;
    }

    @Test
    void oneRuleWithASelectPerTable() {
        Binlogdata.Filter filter =
                VStreamRequests.filter(
                        config("tables", "ks\\.orders,ks\\.items"),
                        new TreeSet<>(Arrays.asList("orders", "it`ems")));
        assertThat(filter.getRulesList())
                .extracting(Binlogdata.Rule::getMatch, Binlogdata.Rule::getFilter)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("it`ems", "select * from `it``ems`"),
                        org.assertj.core.groups.Tuple.tuple("orders", "select * from `orders`"));
    }

    @Test
    void aSingleTableKeepsItsProjection() {
        PlanetScaleSourceConfig config =
                config("table-name", "orders").withColumns(Arrays.asList("id", "total"));
        Binlogdata.Filter filter =
                VStreamRequests.filter(config, new TreeSet<>(Collections.singleton("orders")));
        assertThat(filter.getRules(0).getFilter()).isEqualTo("select `id`, `total` from `orders`");
    }

    @Test
    void aSplitOfAnOlderStateReadsByTheTableNamePatternOrEverything() {
        assertThat(
                        VStreamRequests.filter(config("table-name", "orders_.*"), new TreeSet<>())
                                .getRules(0)
                                .getMatch())
                .isEqualTo("/^(?:orders_.*)$");
        assertThat(
                        VStreamRequests.filter(config("table-name", "orders"), new TreeSet<>())
                                .getRules(0)
                                .getFilter())
                .isEqualTo("select * from `orders`");
        assertThat(
                        VStreamRequests.filter(config("tables", "ks\\.o.*"), new TreeSet<>())
                                .getRules(0)
                                .getMatch())
                .isEqualTo("/.*");
    }
}
