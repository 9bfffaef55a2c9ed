import Foundation

/// A request to stop the work under way, such as Ctrl-C in the REPL while a large file loads
/// or a formula runs. Loading and evaluation poll it between steps and then stop with an
/// `interrupted` error; the session is left as it was before that work began.
public enum Interruption {
  nonisolated(unsafe) private static var flag: sig_atomic_t = 0

  /// Asks the work under way to stop. Safe to call from a signal handler.
  public static func request() { flag = 1 }

  /// Forgets a request that no work saw (call before starting new work).
  public static func reset() { flag = 0 }

  /// Throws `interrupted` once when a stop was requested.
  static func check() throws {
    guard flag != 0 else { return }
    flag = 0
    throw TallyError([Diagnostic(.error, Message.interrupted, notes: ["nothing was changed"])])
  }
}
