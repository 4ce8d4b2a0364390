package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// pendingFile is an output being written under a temporary name next to its
// final path (".NAME.*.tmp"): commit syncs it and renames it into place
// (atomic on one file system), discard removes it. Every file pir writes
// goes through one, so a reader never sees a half-written file and a failed
// command leaves the previous file as it was.
type pendingFile struct {
	f    *os.File
	path string
	done bool
}

func newPendingFile(path string) (*pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &pendingFile{f: f, path: path}, nil
}

// Write writes to the temporary file.
func (p *pendingFile) Write(b []byte) (int, error) {
	n, err := p.f.Write(b)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", p.path, err)
	}
	return n, nil
}

// sync flushes what was written to disk, so a crash after the rename can
// not leave an empty file in place.
func (p *pendingFile) sync() error {
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	return nil
}

// commit makes the file readable by all (0644, like the files it replaces)
// and renames it into place.
func (p *pendingFile) commit() error {
	if err := p.sync(); err != nil {
		return err
	}
	if err := p.f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	if err := os.Rename(p.f.Name(), p.path); err != nil {
		os.Remove(p.f.Name())
		p.done = true
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	p.done = true
	return nil
}

// discard removes the temporary file unless it was committed.
func (p *pendingFile) discard() {
	if p.done {
		return
	}
	p.f.Close()
	os.Remove(p.f.Name())
	p.done = true
}

// writeFileAtomic streams write's output into a pending file and commits
// it; on any error the previous file at path is untouched.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	p, err := newPendingFile(path)
	if err != nil {
		return err
	}
	defer p.discard()
	if err := write(p); err != nil {
		return err
	}
	return p.commit()
}

// writeOutput writes a command's output to stdout ("-" or "") or
// atomically to path. For stdout it renders into memory first, so a failed
// render prints nothing.
func writeOutput(e *env, path string, render func(io.Writer) error) error {
	if path != "" && path != "-" {
		return writeFileAtomic(path, render)
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	_, err := e.stdout.Write(buf.Bytes())
	return err
}
