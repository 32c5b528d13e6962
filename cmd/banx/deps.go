package main

import (
	_ "github.com/Peersyst/xrpl-go/binary-codec"
	_ "github.com/gin-gonic/gin"
	_ "github.com/gorilla/websocket"
	_ "github.com/gowebpki/jcs"
	_ "github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	_ "github.com/ipfs/go-ipfs-api"
	_ "github.com/mattn/go-sqlite3"
	_ "go.yaml.in/yaml/v3"
)

func main() {}
