#include <bits/stdc++.h>
using namespace std;

int main() {
    string a, b; cin >> a >> b;
    int n = a.size(), m = b.size();
    vector<int> prev(m + 1), cur(m + 1);
    for (int i = n - 1; i >= 0; i--) {
        for (int j = m - 1; j >= 0; j--)
            cur[j] = a[i] == b[j] ? 1 + prev[j + 1] : max(prev[j], cur[j + 1]);
        swap(prev, cur);
    }
    cout << prev[0] << "\n";
}
