package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

/** The MySQL column types this connector tells apart. */
@Internal
public enum MySqlKind {
    TINYINT(8, 3),
    TINYINT_UNSIGNED(9, 3),
    SMALLINT(16, 5),
    SMALLINT_UNSIGNED(17, 5),
    MEDIUMINT(24, 7),
    MEDIUMINT_UNSIGNED(25, 8),
    INT(32, 10),
    INT_UNSIGNED(33, 10),
    BIGINT(64, 19),
    BIGINT_UNSIGNED(65, 20),
    /** YEAR: 0 or 1901..2155. */
    YEAR(13, 4),
    FLOAT,
    DOUBLE,
    DECIMAL,
    DATE,
    TIME,
    DATETIME,
    TIMESTAMP,
    /** CHAR, VARCHAR and the TEXT family (a character set other than binary). */
    TEXT,
    /** BINARY, VARBINARY and the BLOB family. */
    BINARY,
    BIT,
    ENUM,
    SET,
    JSON,
    /** GEOMETRY and its subtypes (POINT, POLYGON, ...). */
    GEOMETRY,
    VECTOR;

    private final int signedBits;
    private final int digits;

    MySqlKind() {
        this(0, 0);
    }

    MySqlKind(int signedBits, int digits) {
        this.signedBits = signedBits;
        this.digits = digits;
    }

    public boolean isInteger() {
        return signedBits > 0;
    }

    /** For integers: bits of a signed two's complement integer that holds every value. */
    public int signedBits() {
        return signedBits;
    }

    /** For integers: decimal digits of the largest magnitude. */
    public int digits() {
        return digits;
    }
}
