package ingest

// builtinFormats lists every importer; add one line per new format file.
func builtinFormats() []Format {
	return []Format{
		Canonical{},
		TheHive{},
		ServiceNow{},
		Sentinel{},
		IRIS{},
		Veris{},
		Elastic{},
		Splunk{},
	}
}
