#include <iostream>
using namespace std;

int next_id = 0;
int take() { return ++next_id; }

int main() {
    cout << take() << ' ' << take() << endl;  // printf's arguments have no set order
}
