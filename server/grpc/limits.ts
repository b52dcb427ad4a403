// Message size limits of the gRPC transport, in one place (docs/api.md states them).

/** Most file bytes in one `data` message a client sends. */
export const MAX_DATA_MESSAGE_BYTES = 4 << 20;
/** Largest message the server accepts: a full data message plus room for framing fields. */
export const MAX_RECEIVE_MESSAGE_BYTES = MAX_DATA_MESSAGE_BYTES + (64 << 10);
/** File and tar bytes per message the server sends (well under clients' default 4 MiB limit). */
export const SEND_DATA_BYTES = 1 << 20;
/** Incoming messages buffered per client stream before gRPC flow control holds the sender. */
export const CLIENT_STREAM_BUFFER_MESSAGES = 2;
/** Chunk bytes per GetChunks message: whole chunks, and the message stays under clients' default 4 MiB limit. */
export const SEND_CHUNK_BYTES = 3 << 20;
/** Hashes one GetChunks call may ask for. */
export const GET_CHUNKS_MAX_HASHES = 4096;
/** Files one GetChunks call may name (GetChunksRequest.files). */
export const GET_CHUNKS_MAX_FILES = 1024;
/** HTTP/2 flow-control window of each incoming stream: a few whole messages may be in flight while the handler works. */
export const STREAM_WINDOW_BYTES = 8 << 20;
/**
 * HTTP/2 flow-control window of each incoming connection, all its streams
 * together: two streams' windows, so one stalled upload cannot take all of
 * it from the small calls (MissingChunks) that share its connection.
 */
export const CONNECTION_WINDOW_BYTES = 2 * STREAM_WINDOW_BYTES;
/** Largest file whose chunk list ListFile's include_chunks_max_bytes may ask for (a 16 MiB file has at most ~1,000 chunks). */
export const LIST_CHUNKS_MAX_BYTES = 16 << 20;
