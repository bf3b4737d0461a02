package sinch

// The per-operation methods are generated from gen/ and the specs; run `go generate` here after
// gen/ changes (TestEveryOperationIsWrapped fails until you do).
//go:generate go run ../internal/opsgen -gen ../../gen/conversation/conversation.gen.go -spec conversation.yaml -pkg conversation -service ConversationService -out conversation_ops.go -skip SendMessage,SendEvent
//go:generate go run ../internal/opsgen -gen ../../gen/templates/templates.gen.go -spec templates.yaml -pkg templates -service TemplatesService -out templates_ops.go -skip UpdateTemplate
//go:generate go run ../internal/opsgen -gen ../../gen/batch/batch.gen.go -spec batch.yaml -pkg batch -service BatchService -out batch_ops.go
