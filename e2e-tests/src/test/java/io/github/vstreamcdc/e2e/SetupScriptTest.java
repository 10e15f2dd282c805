package io.github.vstreamcdc.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SetupScript} against small stand-in scripts (no Vitess). */
class SetupScriptTest {

    @TempDir Path dir;

    /** A script that counts its runs in runs.log and answers `up` with these lines. */
    private Path script(String upBody) throws IOException {
        Path script = dir.resolve("script.sh");
        Files.writeString(
                script,
                "echo \"$*\" >>\"$(dirname \"$0\")/runs.log\"\n"
                        + "case \"$1\" in\n"
                        + "  up) "
                        + upBody
                        + " ;;\n"
                        + "  echo) echo \"ARG=$2 ENV=${EXTRA:-}\" ;;\n"
                        + "  status) [ -f \"$(dirname \"$0\")/broken\" ] && exit 1; echo 'PORT=123' ;;\n"
                        + "  *) echo \"progress on stderr\" >&2; echo \"bad command $1\" >&2; exit 3 ;;\n"
                        + "esac\n",
                StandardCharsets.UTF_8);
        return script;
    }

    private List<String> runs() throws IOException {
        return Files.readAllLines(dir.resolve("runs.log"), StandardCharsets.UTF_8);
    }

    @Test
    void upRunsOnceAndKeepsTheKeyValueLines() throws IOException {
        SetupScript<Map<String, String>> s =
                new SetupScript<>(
                        "The stand-in",
                        script("echo 'noise'; echo 'PORT=123'; echo 'URL=a=b'; echo 'lower=x'"),
                        1,
                        env -> env,
                        "PORT");

        Map<String, String> env = s.up();

        assertThat(env).containsExactly(Map.entry("PORT", "123"), Map.entry("URL", "a=b"));
        assertThat(s.up()).isSameAs(env);
        assertThat(runs()).containsExactly("up");
    }

    @Test
    void upHealthyStartsAgainWhatIsNoLongerHealthy() throws IOException {
        SetupScript<Map<String, String>> s =
                new SetupScript<>("The stand-in", script("echo 'PORT=123'"), 1, env -> env);

        s.upHealthy();
        s.upHealthy();
        Files.createFile(dir.resolve("broken"));
        s.upHealthy();

        assertThat(runs()).containsExactly("up", "status", "status", "up");
    }

    @Test
    void aFailedUpFailsEveryLaterUseWithoutRunningAgain() throws IOException {
        SetupScript<Map<String, String>> s =
                new SetupScript<>(
                        "The stand-in", script("echo 'broken' >&2; exit 1"), 1, env -> env);

        assertThatThrownBy(s::up)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The stand-in could not start")
                .hasMessageContaining("failed with exit code 1")
                .hasMessageContaining("broken");
        assertThatThrownBy(s::up).isInstanceOf(IllegalStateException.class);
        assertThat(runs()).containsExactly("up");
    }

    @Test
    void aMissingRequiredKeyFailsUp() throws IOException {
        SetupScript<Map<String, String>> s =
                new SetupScript<>(
                        "The stand-in", script("echo 'PORT=1'"), 1, env -> env, "PORT", "HOST");

        assertThatThrownBy(s::up)
                .hasMessageContaining("printed no HOST")
                .hasMessageContaining("[PORT]");
    }

    @Test
    void runPassesArgumentsAndEnvironmentAndReportsStderrOnFailure() throws Exception {
        SetupScript<Map<String, String>> s =
                new SetupScript<>("The stand-in", script("true"), 1, env -> env);

        assertThat(s.run(Map.of("EXTRA", "e"), 1, "echo", "x")).containsExactly("ARG=x ENV=e");
        assertThatThrownBy(() -> s.run(Map.of(), 1, "nope"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("script.sh nope failed with exit code 3")
                .hasMessageContaining("bad command nope");
    }
}
