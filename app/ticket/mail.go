package ticket

// Mail is where the service keeps attachments. (The reply email is
// composed by notify from EventReplied.)
type Mail struct {
	// FilesDir keeps attachments ("" → a temporary directory, for tests).
	FilesDir string
}
