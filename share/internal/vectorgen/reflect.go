package main

import "reflect"

var reflectMapStringAny = reflect.TypeOf(map[string]any(nil))
