const AmazonDaxClient = require("amazon-dax-client");
const AWS = require("aws-sdk");

const dax = new AmazonDaxClient({ endpoints: [process.env.DAX_ENDPOINT], region: "us-east-1" });
const cached = new AWS.DynamoDB.DocumentClient({ service: dax });
const plain = new AWS.DynamoDB.DocumentClient();

exports.handler = async (event) => {
  return cached.get({ TableName: process.env.ORDERS_TABLE, Key: { id: event.id } }).promise();
};
