#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int q;
    cin >> q;
    vector<int> st;
    st.reserve(q);
    string op;
    for (int i = 0; i < q; i++) {
        cin >> op;
        if (op[0] == 'p' && op[1] == 'u') {
            int x;
            cin >> x;
            st.push_back(x);
        } else if (op[0] == 'p') {
            if (st.empty()) cout << "empty\n";
            else {
                cout << st.back() << '\n';
                st.pop_back();
            }
        } else if (op[0] == 't') {
            if (st.empty()) cout << "empty\n";
            else cout << st.back() << '\n';
        } else {
            cout << st.size() << '\n';
        }
    }
}
