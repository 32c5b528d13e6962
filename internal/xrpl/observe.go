package xrpl

// WithErrorHook calls f with the API method and the error of every failed call
// to the node (after retries), so an operator can count them; f must be cheap
// and safe for concurrent use. Answers the caller expects, such as txnNotFound
// while waiting for a transaction, are failures too: f sees their code.
func WithErrorHook(f func(method string, err error)) Option {
	return func(o *options) { o.onError = f }
}

// failed reports err to the error hook, if any, and returns it.
func (c *Client) failed(method string, err error) error {
	if c.opts.onError != nil {
		c.opts.onError(method, err)
	}
	return err
}
