import Foundation
import Tally

/// The REPL's session logic: lines in, text out. It knows nothing of terminals.
public final class ReplSession {
  /// The underlying Tally session.
  public let session: Session

  /// Creates a REPL session.
  public init(session: Session = Session()) {
    self.session = session
    session.allowsRedefinition = true
  }
}
