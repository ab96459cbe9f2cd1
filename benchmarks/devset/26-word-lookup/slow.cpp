#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q;
    cin >> n >> q;
    map<string, int> cnt;
    for (int i = 0; i < n; i++) {
        string w;
        cin >> w;
        cnt[w]++;
    }
    long long total = 0;
    for (int i = 0; i < q; i++) {
        string w;
        cin >> w;
        if (cnt.find(w) != cnt.end()) total += cnt[w];
    }
    cout << cnt.size() << " " << total << "\n";
}
