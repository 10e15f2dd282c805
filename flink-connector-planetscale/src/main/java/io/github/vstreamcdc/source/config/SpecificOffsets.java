package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.client.GtidSet;

import org.apache.flink.annotation.Internal;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonLocation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text forms of per-shard GTID positions: start positions nest the shards in their keyspace,
 * {@code {"<keyspace>": {"<shard>": "<gtid>"}}} (the shape of PlanetScale's {@code
 * starting_gtids}), stop positions are flat, {@code {"<shard>": "<gtid>"}}. Parsed with a message
 * for each way they can be wrong, and written by the builder from a shard map.
 */
@Internal
public final class SpecificOffsets {

    static final String SHAPE = "{\"<keyspace>\": {\"<shard>\": \"MySQL56/<uuid>:1-42\"}}";
    static final String FLAT_SHAPE = "{\"<shard>\": \"MySQL56/<uuid>:1-42\"}";
    private static final String GTID_EXAMPLE = "'MySQL56/<uuid>:1-42'";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecificOffsets() {}

    public static String toJson(String keyspace, Map<String, String> offsets) {
        ObjectNode shards = JSON.createObjectNode();
        offsets.forEach(shards::put);
        ObjectNode root = JSON.createObjectNode();
        root.set(keyspace == null ? "" : keyspace, shards);
        return root.toString();
    }

    /** The flat form, {@code {"<shard>": "<gtid>"}}. */
    public static String toFlatJson(Map<String, String> offsets) {
        ObjectNode shards = JSON.createObjectNode();
        offsets.forEach(shards::put);
        return shards.toString();
    }

    /**
     * Shard to GTID position of the flat form; each must be a MySQL GTID set, as stop positions are
     * compared with the positions read. Empty, with the problem recorded, when the text is wrong.
     */
    static Map<String, String> parseFlat(String json, String optionKey, OptionReader reader) {
        String option = "Option '" + optionKey + "'";
        JsonNode root = readObject(json, option, FLAT_SHAPE, reader);
        if (root == null) {
            return Collections.emptyMap();
        }
        Map<String, String> offsets = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> shards = root.fields();
        while (shards.hasNext()) {
            Map.Entry<String, JsonNode> shard = shards.next();
            JsonNode gtid = shard.getValue();
            if (!gtid.isTextual() || GtidSet.parseMysql56(gtid.asText()) == null) {
                reader.problem(
                        "%s: the position of shard '%s' is %s; expected a MySQL GTID position"
                                + " like %s (the shape is %s)",
                        option, shard.getKey(), gtid, GTID_EXAMPLE, FLAT_SHAPE);
                return Collections.emptyMap();
            }
            offsets.put(shard.getKey(), gtid.asText());
        }
        return offsets;
    }

    /** The JSON object of an option; null, with the problem recorded, if it is not one. */
    private static JsonNode readObject(
            String json, String option, String shape, OptionReader reader) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            reader.problem(
                    "%s is not valid JSON%s: %s. Expected %s",
                    option,
                    at == null
                            ? ""
                            : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")",
                    e.getOriginalMessage(),
                    shape);
            return null;
        }
        if (root == null || !root.isObject()) {
            reader.problem("%s must be a JSON object %s", option, shape);
            return null;
        }
        if (root.size() == 0) {
            reader.problem("%s gives no positions; expected %s", option, shape);
            return null;
        }
        return root;
    }

    /** Shard to GTID position; empty, with the problem recorded, when the text is wrong. */
    static Map<String, String> parse(String json, String keyspace, OptionReader reader) {
        String option =
                "Option '" + PlanetScaleSourceOptions.SCAN_STARTUP_SPECIFIC_OFFSET.key() + "'";
        JsonNode root = readObject(json, option, SHAPE, reader);
        if (root == null) {
            return Collections.emptyMap();
        }
        Map<String, String> offsets = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> keyspaces = root.fields();
        while (keyspaces.hasNext()) {
            Map.Entry<String, JsonNode> entry = keyspaces.next();
            if (!entry.getKey().equals(keyspace)) {
                reader.problem(
                        "%s names keyspace '%s', but option '%s' is '%s'",
                        option, entry.getKey(), PlanetScaleSourceOptions.KEYSPACE.key(), keyspace);
                return Collections.emptyMap();
            }
            JsonNode shardMap = entry.getValue();
            if (!shardMap.isObject()) {
                reader.problem(
                        "%s: the value of keyspace '%s' must be an object of shard to GTID"
                                + " position, like {\"-80\": %s}, not %s",
                        option, entry.getKey(), GTID_EXAMPLE, shardMap);
                return Collections.emptyMap();
            }
            Iterator<Map.Entry<String, JsonNode>> shards = shardMap.fields();
            while (shards.hasNext()) {
                Map.Entry<String, JsonNode> shard = shards.next();
                JsonNode gtid = shard.getValue();
                if (!gtid.isTextual() || !isGtidPosition(gtid.asText())) {
                    reader.problem(
                            "%s: the position of shard '%s' of keyspace '%s' is %s; expected a"
                                    + " GTID position string like %s",
                            option, shard.getKey(), entry.getKey(), gtid, GTID_EXAMPLE);
                    return Collections.emptyMap();
                }
                offsets.put(shard.getKey(), gtid.asText());
            }
        }
        if (offsets.isEmpty()) {
            reader.problem(
                    "%s gives no shard positions for keyspace '%s'; expected %s",
                    option, keyspace, SHAPE);
        }
        return offsets;
    }

    /** A flavored GTID set ({@code MySQL56/...}); VStream's {@code current} is not a position. */
    private static boolean isGtidPosition(String gtid) {
        return gtid.contains("/") && !gtid.equals("current");
    }
}
