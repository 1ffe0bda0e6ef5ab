
m.proto"
M	
a (		
b (	bproto3