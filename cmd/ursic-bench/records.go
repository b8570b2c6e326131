package main

import "github.com/ursic/ursic/internal/benchrecords"

// record returns record i of a generated corpus (benchrecords.Record).
func record(tag string, i int) []byte { return benchrecords.Record(tag, i) }

// records returns records [from, to) of a corpus (benchrecords.Records).
func records(tag string, from, to int) [][]byte { return benchrecords.Records(tag, from, to) }
