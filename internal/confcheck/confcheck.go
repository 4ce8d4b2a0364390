// Package confcheck checks a Confluence storage-format page body the way
// pir's tests need: well-formed XML with the storage format's namespaces
// bound, and only the elements and macros Atlassian's "Confluence Storage
// Format" page and macro reference document (and pir writes).
package confcheck

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The storage format's XML namespaces. A page body is a fragment that uses
// the ac: and ri: prefixes without declaring them; Confluence's own
// parser binds them. Check wraps the fragment in an element that does.
const (
	nsAC = "http://atlassian.com/content"
	nsRI = "http://atlassian.com/resource/identifier"
)

// allowedElements are the XHTML elements pir writes, all of them listed on
// Atlassian's "Confluence Storage Format" page (headings, text effects,
// lists, tables, horizontal rule).
var allowedElements = map[string]bool{
	"h1": true, "h2": true, "h3": true, "p": true, "strong": true, "em": true,
	"ul": true, "ol": true, "li": true, "table": true, "tbody": true, "tr": true,
	"th": true, "td": true, "hr": true,
}

// allowedMacros are the structured macros pir writes, with the parameters
// each one takes (Atlassian's macro reference: Status, Info, Note).
var allowedMacros = map[string]map[string]bool{
	"status": {"colour": true, "title": true, "subtle": true},
	"info":   {"title": true, "icon": true},
	"note":   {"title": true, "icon": true},
}

// statusColours are the colours the status macro offers.
var statusColours = map[string]bool{"Grey": true, "Red": true, "Yellow": true, "Green": true, "Blue": true, "Purple": true}

// Check reports whether body is a page body pir may write: well-formed XML
// once the storage format's namespaces are bound; only the allowed XHTML
// elements and attribute-free tags; ac:structured-macro only with an
// allowed ac:name, whose children are ac:parameter (an allowed ac:name,
// text only) and ac:rich-text-body; a status colour the macro offers. It
// returns the first violation.
func Check(body string) error {
	doc := `<root xmlns:ac="` + nsAC + `" xmlns:ri="` + nsRI + `">` + body + `</root>`
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	// The storage format is XML: only the five predefined entities, no
	// HTML ones such as &nbsp;.
	d.Entity = nil
	type frame struct {
		name  xml.Name
		macro string // the ac:name of an enclosing structured macro
		param string // the ac:name of an ac:parameter
	}
	var stack []frame
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				stack = append(stack, frame{name: t.Name})
				continue
			}
			parent := stack[len(stack)-1]
			f := frame{name: t.Name, macro: parent.macro}
			switch {
			case t.Name.Space == "" && allowedElements[t.Name.Local]:
				if len(t.Attr) > 0 {
					return fmt.Errorf("<%s> has attributes", t.Name.Local)
				}
				if parent.name.Space == nsAC && parent.name.Local != "rich-text-body" {
					return fmt.Errorf("<%s> inside ac:%s", t.Name.Local, parent.name.Local)
				}
			case t.Name.Space == nsAC && t.Name.Local == "structured-macro":
				name := attr(t, nsAC, "name")
				if _, ok := allowedMacros[name]; !ok {
					return fmt.Errorf("macro %q is not one pir writes", name)
				}
				f.macro = name
			case t.Name.Space == nsAC && t.Name.Local == "parameter":
				if parent.name.Local != "structured-macro" {
					return errors.New("ac:parameter outside a macro")
				}
				f.param = attr(t, nsAC, "name")
				if !allowedMacros[parent.macro][f.param] {
					return fmt.Errorf("macro %q has no parameter %q", parent.macro, f.param)
				}
			case t.Name.Space == nsAC && t.Name.Local == "rich-text-body":
				if parent.name.Local != "structured-macro" || parent.macro == "status" {
					return fmt.Errorf("ac:rich-text-body in macro %q", parent.macro)
				}
			default:
				return fmt.Errorf("element %s:%s is not one pir writes", prefix(t.Name.Space), t.Name.Local)
			}
			stack = append(stack, f)
		case xml.EndElement:
			depth--
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top := stack[len(stack)-1]
			if top.name.Space == nsAC && top.name.Local == "parameter" && top.macro == "status" && top.param == "colour" &&
				!statusColours[string(t)] {
				return fmt.Errorf("status colour %q", string(t))
			}
			if top.name.Space == nsAC && top.name.Local == "structured-macro" && strings.TrimSpace(string(t)) != "" {
				return fmt.Errorf("text %q directly inside a macro", string(t))
			}
		case xml.ProcInst, xml.Directive:
			return fmt.Errorf("a processing instruction or directive (%T) in the body", t)
		}
	}
	return nil
}

func attr(t xml.StartElement, space, local string) string {
	for _, a := range t.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func prefix(space string) string {
	switch space {
	case nsAC:
		return "ac"
	case nsRI:
		return "ri"
	case "":
		return ""
	}
	return space
}
