package coverage

import "sort"

// Index finds the rules for a technique. Build it with RuleSet.Index.
type Index struct {
	rules    []Rule
	exact    map[string][]int // technique -> rules tagged with it
	children map[string][]int // parent -> rules tagged with one of its sub-techniques
}

// Index indexes the usable rules by technique. normalize maps each tag's
// technique ID to the ID it counts as (e.g. a revoked ID to MITRE's
// replacement); nil keeps the IDs as they are.
func (s *RuleSet) Index(normalize func(string) string) *Index {
	ix := &Index{rules: s.Rules, exact: map[string][]int{}, children: map[string][]int{}}
	for i, r := range s.Rules {
		seen := map[string]bool{}
		for _, t := range r.Techniques {
			id := t
			if normalize != nil {
				id = normalize(t)
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			ix.exact[id] = append(ix.exact[id], i)
			if p := Parent(id); p != "" {
				ix.children[p] = appendOnce(ix.children[p], i)
			}
		}
	}
	return ix
}

func appendOnce(list []int, i int) []int {
	for _, x := range list {
		if x == i {
			return list
		}
	}
	return append(list, i)
}

// Match is how the rules relate to one technique ID; each list holds
// indexes into RuleSet.Rules, in path order.
type Match struct {
	// Exact are the rules tagged with the ID itself: they cover it.
	Exact []int
	// Parent are rules tagged with the ID's parent technique (for a
	// sub-technique): related, not covering.
	Parent []int
	// Sub are rules tagged with one of the ID's sub-techniques (for a
	// technique): related, not covering.
	Sub []int
}

// Covered reports whether at least one rule detects the technique itself.
func (m Match) Covered() bool { return len(m.Exact) > 0 }

// Related reports whether, without covering it, rules detect the parent or
// a sub-technique of the technique.
func (m Match) Related() bool { return !m.Covered() && (len(m.Parent) > 0 || len(m.Sub) > 0) }

// Match returns the rules for a technique ID (already normalised like the
// index).
func (ix *Index) Match(id string) Match {
	m := Match{Exact: sorted(ix.exact[id])}
	if p := Parent(id); p != "" {
		m.Parent = sorted(ix.exact[p])
	} else {
		m.Sub = sorted(ix.children[id])
	}
	return m
}

// Rule returns rule i of the indexed set.
func (ix *Index) Rule(i int) Rule { return ix.rules[i] }

// Techniques lists every technique ID the rules cover, sorted.
func (ix *Index) Techniques() []string {
	out := make([]string, 0, len(ix.exact))
	for id := range ix.exact {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func sorted(list []int) []int {
	out := append([]int(nil), list...)
	sort.Ints(out)
	return out
}
