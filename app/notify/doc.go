// Package notify delivers email: a transactional outbox written in the same
// transaction as the change that causes a message, and a worker that sends
// due messages over SMTP with retries and backoff.
//
// Callers build the body with a Letter, enqueue the Message through
// Outbox.Enqueue with the context of their own transaction (db.InTx) and,
// after the commit, may call Worker.Wake so that it goes out at once. The worker claims due rows under a
// lease, so that several instances can deliver side by side on PostgreSQL,
// and updates only the rows it claimed. Once it is done with a message,
// delivered or given up, the stored copy keeps its links without their
// tokens, so the outbox holds no usable invitation or password link.
package notify
