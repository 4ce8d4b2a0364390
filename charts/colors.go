package charts

// Colours shared by the HTML dashboard and the PNG charts of the PDF, so a
// root cause or an age bucket has the same colour in both.

// ageBucketColors go light (young) to dark (old) over the open-case age
// buckets of the report model (analytics.AgeBuckets).
var ageBucketColors = map[string]string{
	"<7d": "#fcd34d", "7-30d": "#f59e0b", "30-90d": "#ea580c", ">90d": "#9f1239",
}

// AgeBucketColor is the colour of an age bucket, light (young) to dark (old);
// grey for an unknown bucket.
func AgeBucketColor(bucket string) string {
	if c, ok := ageBucketColors[bucket]; ok {
		return c
	}
	return "#9ca3af"
}

// Palette is the colour cycle for categorical series (case categories, root
// causes): Tableau 10, chosen to stay distinct for the common colour-vision
// deficiencies and in greyscale print, then a navy and a light blue.
func Palette() []string {
	return []string{
		"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2",
		"#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#2f4b7c", "#a0cbe8",
	}
}
