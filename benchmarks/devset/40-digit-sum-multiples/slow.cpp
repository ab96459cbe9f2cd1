#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k;
    cin >> n >> k;
    int count = 0, palins = 0;
    for (int i = 1; i <= n; i++) {
        string s = to_string(i);
        int ds = 0;
        for (char c : s) ds += c - '0';
        if (ds % k == 0) count++;
        string r = s;
        reverse(r.begin(), r.end());
        if (r == s) palins++;
    }
    cout << count << " " << palins << endl;
}
