#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    cin >> q;
    list<int> seq;
    for (int i = 0; i < q; i++) {
        int pos, x;
        cin >> pos >> x;  // insert x so that it ends up at index pos (0-based)
        auto it = seq.begin();
        advance(it, pos);
        seq.insert(it, x);
    }
    long long h = 0;
    int idx = 0;
    for (int x : seq) {
        h = (h * 31 + x) % 1000000007;
        idx++;
    }
    cout << idx << " " << h << endl;
}
