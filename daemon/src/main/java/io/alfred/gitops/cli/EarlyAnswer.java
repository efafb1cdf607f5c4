package io.alfred.gitops.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What the command line can answer before the application starts: {@code --help}, {@code --version},
 * a command line that does not parse (a mistyped command, an unknown option), and the commands that
 * need their settings, git, Kustomize and the API server but none of the application's services (no
 * HTTP, no metrics, no sandbox): {@code render}, and {@code diff} and {@code reconcile --once} on a
 * kubeconfig's cluster ({@link CommandSupport#runsWithoutApplication}). Picocli reads the same
 * annotations the application runs with; only the daemon, the sandbox and the state commands start
 * Quarkus. So asking for help costs a JVM start, not a server's: no banner, no socket.
 */
public final class EarlyAnswer {
    private EarlyAnswer() {}

    /** The exit code when {@code args} are answered here, empty when the application must run them. */
    public static OptionalInt answer(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = commandLine(args);
        line.setOut(out);
        line.setErr(err);
        ParseResult parsed;
        try {
            parsed = line.parseArgs(args);
        } catch (ParameterException e) {
            err.println(oneLine(e));
            err.flush();
            return OptionalInt.of(ExitCodes.ERROR);
        }
        ParseResult leaf = parsed;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            leaf = p;
            if (p.isUsageHelpRequested()) {
                p.commandSpec().commandLine().usage(out);
                out.flush();
                return OptionalInt.of(ExitCodes.OK);
            }
            if (p.isVersionHelpRequested()) {
                p.commandSpec().commandLine().printVersionHelp(out);
                out.flush();
                return OptionalInt.of(ExitCodes.OK);
            }
        }
        if (leaf.commandSpec().userObject() instanceof CommandSupport command && command.runsWithoutApplication()) {
            int exitCode = command.callWithoutApplication();
            out.flush();
            err.flush();
            return OptionalInt.of(exitCode);
        }
        return OptionalInt.empty();
    }

    /**
     * The command line as the application reads it, but with only the commands {@code args} name
     * built from their annotations: every other command is its name and description, which is all
     * the top-level usage and a typo's suggestions read. Picocli inspects every command's fields,
     * mixins and options when it builds one; for all eight commands that was half of the time
     * {@code --help} took (about 75 of 150 ms, class data sharing on).
     */
    static CommandLine commandLine(String... args) {
        Command top = GitopsCommand.class.getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.create()
                .name(top.name())
                .version(top.version())
                .mixinStandardHelpOptions(top.mixinStandardHelpOptions());
        spec.usageMessage().description(top.description());
        spec.addMixin("options", CommandSpec.forAnnotatedObject(new CommonOptions()));
        CommandLine line = new CommandLine(spec);
        List<String> named = Arrays.asList(args);
        for (Class<?> command : top.subcommands()) {
            Command annotation = command.getAnnotation(Command.class);
            if (named.contains(annotation.name())) {
                line.addSubcommand(annotation.name(), new CommandLine(command));
            } else {
                CommandSpec listed = CommandSpec.create().name(annotation.name());
                listed.usageMessage().description(annotation.description());
                line.addSubcommand(annotation.name(), new CommandLine(listed));
            }
        }
        return line;
    }

    /**
     * One line that says what is wrong and what to do: {@code alfred-gitops: unknown command
     * 'reconsile' (did you mean reconcile?); alfred-gitops --help lists the commands}.
     */
    static String oneLine(ParameterException e) {
        CommandLine where = e.getCommandLine();
        String command = where.getCommandSpec().qualifiedName();
        String help = command + " --help";
        if (e instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            List<String> close = unmatched.getSuggestions();
            String hint = close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
            if (first.startsWith("-")) {
                return "alfred-gitops: unknown option '" + first + "'" + hint + "; " + help + " lists the options";
            }
            if (where.getSubcommands().isEmpty()) {
                return "alfred-gitops: unexpected argument '" + first + "'; " + help + " shows the usage";
            }
            return "alfred-gitops: unknown command '" + first + "'" + hint + "; " + help + " lists the commands";
        }
        if (e instanceof MissingParameterException missing
                && !missing.getMissing().isEmpty()) {
            String names = missing.getMissing().stream()
                    .map(arg -> arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel())
                    .collect(Collectors.joining(" and "));
            // an option given without its value, or a required option not given at all
            String what = e.getMessage().startsWith("Missing required parameter for option")
                    ? names + " needs a value"
                    : command.substring(command.indexOf(' ') + 1) + " needs " + names;
            return "alfred-gitops: " + what + "; " + help + " shows the usage";
        }
        String message = e.getMessage().replace('\n', ' ').trim();
        return "alfred-gitops: " + message + "; " + help + " shows the usage";
    }
}
