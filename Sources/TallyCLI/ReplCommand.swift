import ArgumentParser
import Foundation
import Tally
import TallyDriver
import TallyRepl

/// `tally repl`: write and explore formulas interactively, or run a script from stdin.
struct ReplCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Write and explore formulas interactively.",
    discussion: """
      Loads the given .kpi files, directories of them and data files first. `tally ARGS` without a subcommand is `tally repl ARGS`. On a terminal: line editing, history (~/.tally_history or $TALLY_HISTORY), Tab completion; type :help. With stdin from a file or a pipe, runs its lines without prompts and exits with 1 if any line failed. Exits with 2 if a file given here did not load.

      Examples:
        tally repl after-sales.kpi orders=data/orders.csv
        tally repl < checks.tally
      """
  )

  @Argument(help: ArgumentHelp("A .kpi file, a directory of them, a data file, or NAME=PATH[,time=COL].", valueName: "F.kpi | NAME=PATH"))
  var inputs: [String] = []

  @OptionGroup var time: TimeOptions

  @Option(name: .long, help: "Output format: table, json or csv.")
  var format: EvalCommand.Format = .table

  func run() throws {
    let session = try time.makeSession()

    let interactive = isatty(STDIN_FILENO) != 0
    let repl = ReplSession(session: session, interactive: interactive, color: interactive && Terminal.stderrIsTTY)
    repl.format = OutputFormat(rawValue: format.rawValue) ?? .table
    repl.zoneName = time.tz
    // Charts fit the terminal as it is when they are drawn (a window may be resized).
    if interactive { repl.chartWidth = 60 }
    if interactive || isatty(STDOUT_FILENO) != 0 { repl.terminalWidth = { Self.terminalWidth() } }
    let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath, primaryPrompt: ReplSession.primaryPrompt) { prefix in
      let c = repl.completions(for: prefix)
      return (c.start, c.candidates)
    }

    // A file named on the command line that cannot be loaded is an argument error (exit 2 at
    // the end); the session still starts, so the other files and the prompt stay usable.
    var argumentFailed = false
    for input in inputs {
      let out = LargeStack.run { repl.load(input) }
      argumentFailed = argumentFailed || out.failed
      write(out)
    }
    if interactive {
      // With the prompts: on stderr when stdout is not a terminal.
      write(text: "tally \(TallyCommand.configuration.version) — type :help for help, :quit or Ctrl-D to leave\n", to: editor.promptFD)
    }

    var entry: [String] = []
    while !repl.quitRequested {
      let (line, interrupted) = editor.readLine(prompt: repl.prompt)
      if interrupted {
        repl.cancel()
        entry = []
      }
      guard let line else {
        if interactive { write(text: "\n", to: editor.promptFD) }
        break
      }
      // A paste may bring several lines at once.
      for part in line.split(separator: "\n", omittingEmptySubsequences: false) where !repl.quitRequested {
        entry.append(String(part))
        write(LargeStack.run { repl.feed(String(part)) })
        if !repl.isContinuing {
          // One entry per statement; an indented first line stays indented (it continues a definition).
          editor.addHistory(([entry[0]] + entry.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }).joined(separator: " "))
          entry = []
        }
      }
    }
    // At a terminal, leaving drops a statement half typed; a script's last statement runs.
    if interactive { repl.cancel() }
    write(LargeStack.run { repl.finish() })
    editor.close()
    if argumentFailed { throw ExitCode(ExitStatus.error.rawValue) }
    if !interactive && repl.failureCount > 0 { throw ExitCode(ExitStatus.failed.rawValue) }
  }

  /// Writes in the order the output was produced (unbuffered), so that stdout and stderr
  /// sent to one file interleave as the statements ran.
  private func write(_ out: ReplOutput) {
    for chunk in out.chunks {
      write(text: chunk.text, to: chunk.stream == .stdout ? STDOUT_FILENO : STDERR_FILENO)
    }
  }

  private func write(text: String, to fd: Int32 = STDOUT_FILENO) {
    (fd == STDOUT_FILENO ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
  }

  /// The width of the terminal now: stdout's, else stderr's or stdin's (stdout piped to
  /// `tee` still ends on the screen), else `$COLUMNS`, else 80.
  static func terminalWidth() -> Int {
    for fd in [STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO] {
      var w = winsize()
      if ioctl(fd, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
    }
    if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
    return 80
  }
}
