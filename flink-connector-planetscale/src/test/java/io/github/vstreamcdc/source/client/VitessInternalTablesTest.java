package io.github.vstreamcdc.source.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Vitess' own tables are told apart from application tables by their names. */
class VitessInternalTablesTest {

    @Test
    void vitessOperationTablesAreInternal() {
        assertThat(
                        VitessInternalTables.isInternal(
                                "_vt_hld_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_"))
                .isTrue();
        assertThat(
                        VitessInternalTables.isInternal(
                                "_vt_vrp_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_"))
                .isTrue();
        assertThat(
                        VitessInternalTables.isInternal(
                                "_vt_HOLD_6ace8bcef73211ea87e9f875a4d24e90_20200915120410"))
                .isTrue();
        assertThat(VitessInternalTables.isInternal("_VT_anything")).isTrue();
        assertThat(
                        VitessInternalTables.isInternal(
                                "_84371a37_6153_11eb_9917_f875a4d24e90_20210128122816_vrepl"))
                .isTrue();
        assertThat(
                        VitessInternalTables.isInternal(
                                "_84371a37_6153_11eb_9917_f875a4d24e90_20210128122816_gho"))
                .isTrue();
    }

    @Test
    void applicationTablesAreNot() {
        assertThat(VitessInternalTables.isInternal("orders")).isFalse();
        assertThat(VitessInternalTables.isInternal("_orders")).isFalse();
        assertThat(VitessInternalTables.isInternal("vt_orders")).isFalse();
        assertThat(VitessInternalTables.isInternal("_vt")).isFalse();
        assertThat(VitessInternalTables.isInternal("orders_vrepl")).isFalse();
        assertThat(
                        VitessInternalTables.isInternal(
                                "_84371a37_6153_11eb_9917_f875a4d24e90_20210128122816_copy"))
                .isFalse();
    }
}
