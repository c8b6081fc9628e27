# Drives a running moto server with boto3 (moto's own dependency, in .tools/venv) for the tests:
#   setup <endpoint>                      IAM user with an allow-all policy and access keys, a Lambda role; prints JSON
#   create <endpoint> <key> <secret> <role> <name>...   Lambda functions (python3.12, a tiny zip)
#   publish <endpoint> <key> <secret> <name>            publishes a version; prints it
#   alias <endpoint> <key> <secret> <name> <alias> <version>
# Setup runs within moto's INITIAL_NO_AUTH_ACTION_COUNT unauthenticated actions; everything after is signed with the
# user's keys, as moto then requires.
import io
import json
import sys
import zipfile

import boto3

REGION = "us-east-1"


def client(service, endpoint, key="anything", secret="anything"):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret)


def zipped():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200, 'body': 'hello'}\n")
    return buf.getvalue()


def main(argv):
    cmd, endpoint = argv[0], argv[1]
    if cmd == "setup":
        iam = client("iam", endpoint)
        iam.create_user(UserName="gatehouse")
        policy = iam.create_policy(PolicyName="all", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        iam.attach_user_policy(UserName="gatehouse", PolicyArn=policy["Policy"]["Arn"])
        key = iam.create_access_key(UserName="gatehouse")["AccessKey"]
        iam2 = client("iam", endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        role = iam2.create_role(RoleName="lambda", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        # A role the user may assume (STS), allowed everything: for Upstreams with roleArn.
        user_arn = iam2.get_user(UserName="gatehouse")["User"]["Arn"]
        reader_trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}]}
        reader = iam2.create_role(RoleName="gatehouse-reader", AssumeRolePolicyDocument=json.dumps(reader_trust))["Role"]["Arn"]
        iam2.attach_role_policy(RoleName="gatehouse-reader", PolicyArn=policy["Policy"]["Arn"])
        print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"], "roleArn": role, "readerRoleArn": reader}))
        return
    key, secret = argv[2], argv[3]
    lam = client("lambda", endpoint, key, secret)
    if cmd == "create":
        role, names = argv[4], argv[5:]
        code = zipped()
        for name in names:
            lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler", Code={"ZipFile": code})
    elif cmd == "publish":
        print(lam.publish_version(FunctionName=argv[4])["Version"])
    elif cmd == "alias":
        lam.create_alias(FunctionName=argv[4], Name=argv[5], FunctionVersion=argv[6])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
