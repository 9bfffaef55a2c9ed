@preconcurrency import CReadline
import Foundation
import Tally

/// Reads input lines: with GNU readline on a terminal (arrow keys, history kept across
/// sessions, Ctrl-R, Tab completion, Ctrl-C dropping the line being typed), or plainly
/// from a pipe, with no prompts and no escape codes. The only file that touches readline.
final class LineEditor {
  /// Completes the text before the cursor: the UTF-8 offset where the word starts, and its candidates.
  typealias Completer = (String) -> (start: Int, candidates: [String])

  /// True when stdin is a terminal and readline is in use.
  let interactive: Bool
  /// Where prompts and the echo of typed keys go: stdout, or stderr when stdout is not a
  /// terminal (`tally repl | tee log` keeps results alone on stdout).
  let promptFD: Int32
  private let historyPath: String?
  private var lastHistoryEntry: String?

  /// Set by the SIGINT handler; `readLine` reports it once.
  nonisolated(unsafe) private static var interruptFlag: sig_atomic_t = 0
  /// True while readline waits for a line: Ctrl-C then clears it instead of doing nothing.
  nonisolated(unsafe) private static var reading: sig_atomic_t = 0
  nonisolated(unsafe) private static var completer: Completer?
  nonisolated(unsafe) private static var primaryPrompt = strdup("> ")
  nonisolated(unsafe) private static var outFD: Int32 = STDOUT_FILENO

  /// A line editor on stdin. `historyPath` is where history is kept between sessions.
  init(historyPath: String?, primaryPrompt: String, completer: @escaping Completer) {
    interactive = isatty(STDIN_FILENO) != 0
    promptFD = isatty(STDOUT_FILENO) != 0 ? STDOUT_FILENO : STDERR_FILENO
    self.historyPath = historyPath
    guard interactive else { return }
    Self.outFD = promptFD
    if promptFD != STDOUT_FILENO { rl_outstream = stderr }
    // Its escape codes have no place in a file.
    if isatty(promptFD) == 0 { rl_variable_bind("enable-bracketed-paste", "off") }
    Self.completer = completer
    free(Self.primaryPrompt)
    Self.primaryPrompt = strdup(primaryPrompt)
    rl_readline_name = UnsafePointer(strdup("tally"))
    // No quotes among them: readline would close a quote after the word (candidates close their own).
    rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n@$><=;|&{}()[],+-*/%!:."))
    rl_attempted_completion_function = { _, start, end in LineEditor.complete(start: Int(start), end: Int(end)) }
    signal(SIGINT) { _ in LineEditor.interrupt() }
    using_history()
    if let historyPath {
      if !FileManager.default.fileExists(atPath: historyPath) {
        _ = FileManager.default.createFile(atPath: historyPath, contents: nil, attributes: [.posixPermissions: 0o600])
      }
      read_history(historyPath)
    }
  }

  /// The next line without its line break, or nil at the end of input (Ctrl-D).
  /// `interrupted` is true when Ctrl-C dropped what was being typed since the last call.
  func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
    guard interactive else { return (Swift.readLine(strippingNewline: true), false) }
    Self.interruptFlag = 0  // a Ctrl-C while a statement ran has nothing left to drop
    Interruption.reset()
    Self.reading = 1
    let raw = readline(prompt)
    Self.reading = 0
    let interrupted = Self.interruptFlag != 0
    Self.interruptFlag = 0
    guard let raw else { return (nil, interrupted) }
    defer { free(raw) }
    return (String(cString: raw), interrupted)
  }

  /// Adds a statement to the history (and to the history file at once, so that a crash
  /// or another session loses nothing). Repeats of the last entry are skipped.
  func addHistory(_ entry: String) {
    guard interactive, !entry.trimmingCharacters(in: .whitespaces).isEmpty, entry != lastHistoryEntry else { return }
    lastHistoryEntry = entry
    add_history(entry)
    if let historyPath { append_history(1, historyPath) }
  }

  /// Trims the history file.
  func close() {
    guard interactive, let historyPath else { return }
    history_truncate_file(historyPath, 2000)
  }

  /// The history file: `$TALLY_HISTORY`, else `~/.tally_history` (`~` is `$HOME`, else the
  /// account's home); none when `$TALLY_HISTORY` is empty.
  static var defaultHistoryPath: String? {
    let env = ProcessInfo.processInfo.environment
    if let p = env["TALLY_HISTORY"] { return p.isEmpty ? nil : p }
    let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return (home as NSString).appendingPathComponent(".tally_history")
  }

  // MARK: readline callbacks

  /// Ctrl-C: readline has restored the terminal and calls this; drop the line and prompt afresh.
  private static func interrupt() {
    interruptFlag = 1
    guard reading != 0 else {
      Interruption.request()  // a statement is running: stop it
      return
    }
    _ = write(outFD, "\n", 1)
    rl_replace_line("", 0)
    rl_on_new_line()
    rl_set_prompt(primaryPrompt)
    rl_redisplay()
  }

  /// readline's completion hook: candidates from the completer, adjusted to the word that
  /// readline replaces (it may start earlier or later than the completer's word).
  private static func complete(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    guard let completer, let buffer = rl_line_buffer else { return nil }
    let line = Array(UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(strlen(buffer))))
    let prefixBytes = Array(line[0..<min(end, line.count)])
    let (wordStart, found) = completer(String(decoding: prefixBytes, as: UTF8.self))
    var candidates: [[UInt8]] = []
    var head = wordStart < start ? Array(prefixBytes[wordStart..<min(start, prefixBytes.count)]) : []
    let replacements = found.map { Array($0.utf8) }
    if !head.isEmpty, let first = replacements.first, first.count >= head.count, !replacements.contains(where: { $0.starts(with: head) }),
      replacements.allSatisfy({ $0.starts(with: first[..<head.count]) }), [9, 33, 64].contains(rl_completion_type)
    {
      // The candidates rewrite what readline keeps of the word (`data/my` → `"data/my file.csv"`):
      // put their first bytes there (as many as it holds), and let readline insert the rest.
      head = Array(first[..<head.count])
      for (i, b) in head.enumerated() { buffer[wordStart + i] = CChar(bitPattern: b) }
    }
    for c in replacements {
      var bytes = c
      if wordStart < start {
        guard bytes.starts(with: head) else { continue }
        bytes.removeFirst(head.count)
      } else if wordStart > start {
        bytes = Array(prefixBytes[start..<min(wordStart, prefixBytes.count)]) + bytes
      }
      candidates.append(bytes)
    }
    guard !candidates.isEmpty else { return nil }
    if candidates.count == 1, let last = candidates[0].last,
      [UInt8(ascii: "("), UInt8(ascii: "/"), UInt8(ascii: "\""), UInt8(ascii: ".")].contains(last)
    {
      rl_completion_append_character = 0
    }
    var common = candidates[0]
    for c in candidates.dropFirst() {
      common = Array(zip(common, c).prefix { $0 == $1 }.map(\.0))
    }
    while !common.isEmpty, Array(String(decoding: common, as: UTF8.self).utf8) != common { common.removeLast() }
    let all = candidates.count == 1 ? candidates : [common] + candidates
    guard
      let matches = malloc((all.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?.bindMemory(
        to: UnsafeMutablePointer<CChar>?.self, capacity: all.count + 1)
    else { return nil }
    for (i, c) in all.enumerated() { matches[i] = strdup(String(decoding: c, as: UTF8.self)) }
    matches[all.count] = nil
    return matches
  }
}
