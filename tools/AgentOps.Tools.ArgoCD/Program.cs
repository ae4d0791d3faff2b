await Task.CompletedTask; // placeholder: replaced by the server implementation
