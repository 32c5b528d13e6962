package contracts

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// OpenAPIID is the URL under which validators register the OpenAPI document
// (as JSON) to resolve "#/components/schemas/..." references into it.
const OpenAPIID = "https://banx.media/contracts/openapi.json"

// OpenAPIYAML is the OpenAPI 3.1 description of Banx's HTTP API. The HTTP
// tests check that it lists exactly the routes the server registers and
// validate response bodies against its schemas, so clients can rely on it.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

// OpenAPIJSON returns the OpenAPI document converted to JSON, the form JSON
// Schema validators consume (OpenAPI 3.1 schemas are JSON Schema 2020-12).
func OpenAPIJSON() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(OpenAPIYAML, &doc); err != nil {
		return nil, fmt.Errorf("contracts/openapi.yaml: %w", err)
	}
	plain, err := jsonable(doc)
	if err != nil {
		return nil, fmt.Errorf("contracts/openapi.yaml: %w", err)
	}
	return json.Marshal(plain)
}

// jsonable turns YAML's decoded values into JSON's: mapping keys must be strings.
func jsonable(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("mapping key %v is not a string: quote it", k)
			}
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			out[ks] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return v, nil
}
