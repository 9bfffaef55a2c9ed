import Foundation

/// A request to stop the work under way, such as Ctrl-C in the REPL while a large file loads
/// or a formula runs. Loading and evaluation poll it between steps and then stop with an
/// `interrupted` error; definitions that were being added are rolled back.
///
/// The request is process-wide and stays until `reset()`, so that everything the stopped
/// statement would still do stops too (the other files of a `:load DIR`, the views counted by
/// `:datasets`). Call `reset()` before starting new work, as the REPL does at each prompt.
public enum Interruption {
  nonisolated(unsafe) private static var flag: sig_atomic_t = 0

  /// Asks the work under way to stop. Safe to call from a signal handler.
  public static func request() { flag = 1 }

  /// Forgets the request (call before starting new work).
  public static func reset() { flag = 0 }

  /// Whether a stop was requested and not yet reset.
  public static var isRequested: Bool { flag != 0 }

  /// Throws `interrupted` when a stop was requested.
  static func check() throws {
    guard flag != 0 else { return }
    throw TallyError([Diagnostic(.error, SessionMessage.interrupted, notes: ["nothing was changed"])])
  }
}
