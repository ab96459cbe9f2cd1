#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    vector<int> seq;
    seq.reserve(q);
    for (int i = 0; i < q; i++) {
        int pos, x;
        scanf("%d %d", &pos, &x);
        seq.insert(seq.begin() + pos, x);
    }
    long long h = 0;
    for (int x : seq) h = (h * 31 + x) % 1000000007;
    printf("%d %lld\n", (int)seq.size(), h);
}
