import ArgumentParser
import Foundation
import Tally
import TallyRepl

/// `tally repl`: write and explore formulas interactively, or run a script from stdin.
struct ReplCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Write and explore formulas interactively.",
    discussion: """
      Loads the given .kpi files and data files first. On a terminal: line editing, history (~/.tally_history or $TALLY_HISTORY), Tab completion; type :help. With stdin from a file or a pipe, runs its lines without prompts and exits with 1 if any line failed.

      Examples:
        tally repl after-sales.kpi orders=data/orders.csv
        tally repl < checks.tally
      """
  )

  @Argument(help: ArgumentHelp("A .kpi file, a data file, or NAME=PATH[,time=COL].", valueName: "F.kpi | NAME=PATH"))
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
    if interactive { repl.chartWidth = max(20, min(60, terminalWidth() - 30)) }
    let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath, primaryPrompt: ReplSession.primaryPrompt) { prefix in
      let c = repl.completions(for: prefix)
      return (c.start, c.candidates)
    }

    for input in inputs { write(repl.load(input)) }
    if interactive {
      write(text: "tally \(TallyCommand.configuration.version) — type :help for help, :quit or Ctrl-D to leave\n")
    }

    var entry: [String] = []
    while !repl.quitRequested {
      let (line, interrupted) = editor.readLine(prompt: repl.prompt)
      if interrupted {
        repl.cancel()
        entry = []
      }
      guard let line else {
        if interactive { write(text: "\n") }
        break
      }
      // A paste may bring several lines at once.
      for part in line.split(separator: "\n", omittingEmptySubsequences: false) where !repl.quitRequested {
        entry.append(String(part))
        write(repl.feed(String(part)))
        if !repl.isContinuing {
          // One entry per statement; an indented first line stays indented (it continues a definition).
          editor.addHistory(([entry[0]] + entry.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }).joined(separator: " "))
          entry = []
        }
      }
    }
    // At a terminal, leaving drops a statement half typed; a script's last statement runs.
    if interactive { repl.cancel() }
    write(repl.finish())
    editor.close()
    if !interactive && repl.failureCount > 0 { throw ExitCode(1) }
  }

  private func write(_ out: ReplOutput) {
    if !out.stdout.isEmpty { FileHandle.standardOutput.write(Data(out.stdout.utf8)) }
    if !out.stderr.isEmpty { FileHandle.standardError.write(Data(out.stderr.utf8)) }
  }

  private func write(text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

  private func terminalWidth() -> Int {
    var w = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 else { return 80 }
    return Int(w.ws_col)
  }
}
