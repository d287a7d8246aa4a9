/**
 * Enables Service Bus SDK-type bindings (`sdkBinding: true`): the handler gets the received message
 * and `actions` to settle it itself, which is how an invalid CRM message is dead-lettered at once with
 * a reason instead of being retried. The local host provides its own stand-in for this module.
 */
import '@azure/functions-extensions-servicebus';
