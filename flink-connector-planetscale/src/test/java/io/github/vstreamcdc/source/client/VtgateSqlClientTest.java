package io.github.vstreamcdc.source.client;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding the MySQL driver, and the message users see when it is missing. */
class VtgateSqlClientTest {

    @Test
    void missingDriverIsTheRootCauseWithAdvice() throws Exception {
        try (URLClassLoader withoutDriver = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> VtgateSqlClient.mysqlDriver(withoutDriver, null))
                    .isInstanceOf(VitessException.class)
                    .hasNoCause()
                    .hasMessageContaining("MySQL JDBC driver (com.mysql:mysql-connector-j")
                    .hasMessageContaining("is not on the class path")
                    .hasMessageContaining("lib/");
        }
    }

    @Test
    void driverIsTakenFromTheFirstLoaderThatHasIt() throws Exception {
        try (URLClassLoader withoutDriver = new URLClassLoader(new URL[0], null)) {
            Driver driver =
                    VtgateSqlClient.mysqlDriver(
                            withoutDriver, VtgateSqlClientTest.class.getClassLoader());
            assertThat(driver.getClass().getName()).isEqualTo(VtgateSqlClient.MYSQL_DRIVER);
            assertThat(driver.acceptsURL("jdbc:mysql://localhost:15306/")).isTrue();
        }
    }

    @Test
    void literalsQuoteQuotesAndBackslashes() {
        assertThat(VtgateSqlClient.literal("events_queue")).isEqualTo("'events_queue'");
        assertThat(VtgateSqlClient.literal("it's\\")).isEqualTo("'it''s\\\\'");
    }
}
