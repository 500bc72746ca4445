package dev.lattice.server.http;

/**
 * A request refused with an HTTP status and a JSON body {@code {"error": code, "message": message}}. The code is a
 * stable word for programs; the message says what to do, and never echoes a secret.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false); // an answer, not a failure: no stack trace to fill
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }

  static ApiError tooLarge(String message) {
    return new ApiError(413, "too_large", message);
  }

  static ApiError unsupportedMediaType(String expected, String given) {
    return new ApiError(415, "unsupported_media_type", "the body must be " + expected + ", was "
        + (given == null ? "not labelled" : given));
  }
}
