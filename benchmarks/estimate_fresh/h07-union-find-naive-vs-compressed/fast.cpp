#include <bits/stdc++.h>
using namespace std;

static char buf[1 << 16];
int bufLen = 0, bufPos = 0;
int readInt() {
    int c, x = 0;
    do {
        if (bufPos == bufLen) { bufLen = fread(buf, 1, sizeof buf, stdin); bufPos = 0; }
        c = buf[bufPos++];
    } while (c < '0');
    while (c >= '0') {
        x = x * 10 + (c - '0');
        if (bufPos == bufLen) { bufLen = fread(buf, 1, sizeof buf, stdin); bufPos = 0; if (!bufLen) break; }
        c = buf[bufPos++];
    }
    return x;
}

int parent[100005], sz[100005];

// Path halving keeps the trees shallow.
int find(int x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

int main() {
    int n = readInt(), q = readInt();
    for (int i = 0; i < n; i++) { parent[i] = i; sz[i] = 1; }
    int components = n, yes = 0;
    for (int i = 0; i < q; i++) {
        int t = readInt(), a = readInt(), b = readInt();
        int ra = find(a), rb = find(b);
        if (t == 0) {
            if (ra != rb) {
                if (sz[ra] < sz[rb]) swap(ra, rb);
                parent[rb] = ra;  // union by size
                sz[ra] += sz[rb];
                components--;
            }
        } else if (ra == rb) {
            yes++;
        }
    }
    printf("%d %d\n", yes, components);
    return 0;
}
